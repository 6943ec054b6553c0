"""An engine worker process (started by kyc_local.vision.engines): loads and warms the face engine and the licence
reader, then answers calls on the socket it was given until told to stop or the parent goes away.

    python -m kyc_local.vision.worker FD

Each call is `(operation, args)` with operation "faces" (FaceEngine.faces), "read" or "read_documents"
(IdCardReader's); each reply is `(True, result)` or `(False, traceback)`. The first reply, unasked, is `(True, "ready")`.
"""

from __future__ import annotations

import sys
import traceback
from multiprocessing.connection import Connection

import cv2

from kyc_local.vision.faces import FaceEngine
from kyc_local.vision.idcard import IdCardReader


def serve(connection: Connection) -> None:
    cv2.setNumThreads(1)  # one core per worker
    faces, reader = FaceEngine(), IdCardReader()
    faces.warm()
    reader.warm()
    operations = {"faces": faces.faces, "read": reader.read, "read_documents": reader.read_documents}
    connection.send((True, "ready"))
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the parent is gone
            return
        if request is None:
            return
        operation, args = request
        try:
            reply = (True, operations[operation](*args))
        except Exception:  # noqa: BLE001 (sent to the caller, which raises it)
            reply = (False, traceback.format_exc(limit=-3))
        connection.send(reply)


if __name__ == "__main__":
    with Connection(int(sys.argv[1])) as parent:
        serve(parent)
