"""A stack for one command: `kyc up` in a child process, stopped with Ctrl-C (SIGINT) when the command is done."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kyc_local.workspace import Workspace


@contextmanager
def stack_process(workspace: Workspace, workflow: str, parameters: dict[str, str], template: Path,
                  timeout: float = 300.0) -> Iterator[dict[str, Any]]:
    """Yield what the child's `kyc up` wrote to the workspace's stack file, once it is ready."""
    command = [sys.executable, "-m", "kyc_local.cli", "up", "--workdir", str(workspace.folder),
               "--workflow", workflow, "--template", str(template),
               *[f"--param={name}={value}" for name, value in parameters.items()]]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield _wait_until_up(workspace, process, output, timeout)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_until_up(workspace: Workspace, process: subprocess.Popen, output: Any, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = workspace.read_stack()
        if running is not None and running["pid"] == process.pid:
            return running
        if process.poll() is not None:
            output.seek(0)
            raise RuntimeError(f"the stack did not start (kyc up exited with {process.returncode}):\n{output.read()}")
        time.sleep(0.05)
    raise TimeoutError(f"the stack did not start in {timeout:.0f} s")
