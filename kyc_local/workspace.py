"""The working folder (.kyc/): function logs, and where `kyc up` leaves its endpoints and functions for `kyc status`
and `kyc invoke`."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import boto3

from kyc_local.stack import CREDENTIALS, LocalStack


class Workspace:
    def __init__(self, folder: Path):
        self.folder = folder
        self.log_file = folder / "logs" / "functions.log"
        self._stack_file = folder / "stack.json"

    @contextmanager
    def function_logs(self) -> Iterator[TextIO]:
        """Send what the handlers print (Powertools logs, metrics) and the runtime's logs to the log file.

        Yields the real standard output, for the command's own output.
        """
        self.log_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)  # what the stack records of applicants is for this user only
        out = sys.stdout
        root = logging.getLogger()
        descriptor = os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "a", encoding="utf-8") as log:
            handler = logging.StreamHandler(log)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            root.addHandler(handler)
            level = root.level
            root.setLevel(logging.INFO)
            sys.stdout = log
            logging.captureWarnings(True)
            try:
                yield out
            finally:
                logging.captureWarnings(False)
                sys.stdout = out
                root.removeHandler(handler)
                root.setLevel(level)

    def write_stack(self, stack: LocalStack) -> None:
        running = {
            "pid": os.getpid(),
            "aws_url": stack.aws_url,
            "region": stack.options.region,
            "bucket": stack.deployment.physical.get("DocumentBucket"),
            "table": stack.deployment.physical.get("CustomerMetadataTable"),
            "resources": stack.deployment.physical,
            "api_urls": stack.api_urls,
            "meter_url": stack.meter.url if stack.meter else None,
            "outbox": str(stack.outbox_folder),
            "workflow": stack.options.workflow,
            "parameters": stack.options.parameters,
            "functions": [{**asdict(spec), "code_dir": str(spec.code_dir)} for spec in stack.functions.specs],
        }
        partial = self._stack_file.with_suffix(".tmp")  # readers see the whole file or none
        partial.write_text(json.dumps(running, indent=2), encoding="utf-8")
        partial.replace(self._stack_file)

    def read_stack(self) -> dict[str, Any] | None:
        """The stack `kyc up` is running, if its process is alive."""
        try:
            running = json.loads(self._stack_file.read_text(encoding="utf-8"))
            os.kill(running["pid"], 0)
        except (OSError, ValueError, KeyError):
            return None
        return running

    def forget_stack(self) -> None:
        """Remove the stack file, unless another process's stack has written it since."""
        try:
            if json.loads(self._stack_file.read_text(encoding="utf-8")).get("pid") == os.getpid():
                self._stack_file.unlink()
        except (OSError, ValueError):
            pass

    @staticmethod
    def dynamodb(running: dict[str, Any]) -> Any:
        return boto3.session.Session().client(
            "dynamodb", endpoint_url=running["aws_url"], region_name=running["region"],
            aws_access_key_id=CREDENTIALS[0], aws_secret_access_key=CREDENTIALS[1],
        )
