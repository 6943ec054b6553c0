"""The engines the endpoint serves: a pool of worker processes, one per core, each with its own face engine and
licence reader.

Processes, not threads: dlib computes the face descriptor while holding the GIL, which would stop the rest of the
local stack (moto, the handlers) for its whole run. Each worker loads its models once, when the pool starts, warms
them, and then serves one call at a time; a call borrows an idle worker for the engine's own work only (decoding and
S3 stay in the caller), so as many calls compute at once as there are workers. A worker that dies is replaced.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from kyc_local.vision.faces import MAX_FACES, Face
from kyc_local.vision.fields import Document, Reading


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class EngineError(RuntimeError):
    """An engine failed inside its worker, or the worker died."""


class Engines:
    """`workers` engine processes (default: one per core), started on first use or by `warm()`, ended by `stop()`."""

    def __init__(self, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers or default_workers()
        self.faces = PooledFaces(self)
        self.id_reader = PooledReader(self)
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._started = False
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Start every worker (in parallel) and wait until each has loaded and warmed its engines."""
        with self._lock:
            if self._started:
                return
            with ThreadPoolExecutor(max_workers=self.workers) as starting:
                started = list(starting.map(lambda _: _Worker(), range(self.workers)))
            for worker in started:
                self._all.append(worker)
                self._idle.put(worker)
            self._started = True

    def call(self, operation: str, *args: Any) -> Any:
        """Run `operation` ("faces", "read" or "read_documents") on an idle worker; waits while every worker is busy."""
        self.warm()
        idle = self._idle  # the pool this worker belongs to, even if stop() begins a new one meanwhile
        worker = idle.get()
        try:
            return worker.call(operation, args)
        except EngineError:
            if not worker.alive:
                worker = self._replace(worker)
            raise
        finally:
            idle.put(worker)

    def stop(self) -> None:
        with self._lock:
            for worker in self._all:
                worker.stop()
            self._all.clear()
            self._idle = queue.SimpleQueue()
            self._started = False

    def _replace(self, dead: _Worker) -> _Worker:
        fresh = _Worker()
        with self._lock:
            self._all[self._all.index(dead)] = fresh
        return fresh


class PooledFaces:
    """FaceEngine's interface on the pool."""

    def __init__(self, engines: Engines) -> None:
        self._engines = engines

    def faces(self, image: np.ndarray, limit: int = MAX_FACES) -> list[Face]:
        return self._engines.call("faces", image, limit)


class PooledReader:
    """IdCardReader's interface on the pool."""

    def __init__(self, engines: Engines) -> None:
        self._engines = engines

    def read(self, pages: list[np.ndarray]) -> dict[str, Reading]:
        return self._engines.call("read", pages)

    def read_documents(self, pages: list[np.ndarray]) -> list[Document]:
        return self._engines.call("read_documents", pages)


class _Worker:
    """One engine process (a fresh interpreter running kyc_local.vision.worker: the parent runs many threads, so it
    is never forked) and the socket to it; used by one caller at a time."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair()
        with mine, theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "kyc_local.vision.worker", str(theirs.fileno())], pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
            )
            self._connection = Connection(mine.detach())
        self._receive()  # "ready" once the models are loaded and warm

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def call(self, operation: str, args: tuple[Any, ...]) -> Any:
        try:
            self._connection.send((operation, args))
        except OSError as exc:
            raise EngineError("the engine worker is gone") from exc
        return self._receive()

    def stop(self) -> None:
        try:
            self._connection.send(None)
        except OSError:
            pass
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._connection.close()

    def _receive(self) -> Any:
        try:
            ok, value = self._connection.recv()
        except (EOFError, OSError) as exc:
            raise EngineError("the engine worker died") from exc
        if not ok:
            raise EngineError(value)
        return value

