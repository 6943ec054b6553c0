"""The engines the endpoint serves, created once on first use and shared by every request thread."""

from __future__ import annotations

import threading

from kyc_local.vision.faces import FaceEngine
from kyc_local.vision.idcard import IdCardReader


class Engines:
    """Lazily built face engine and licence reader; `warm()` loads both and runs one inference each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faces: FaceEngine | None = None
        self._id_reader: IdCardReader | None = None

    @property
    def faces(self) -> FaceEngine:
        with self._lock:
            if self._faces is None:
                self._faces = FaceEngine()
            return self._faces

    @property
    def id_reader(self) -> IdCardReader:
        with self._lock:
            if self._id_reader is None:
                self._id_reader = IdCardReader()
            return self._id_reader

    def warm(self) -> None:
        self.faces.warm()
        self.id_reader.warm()
