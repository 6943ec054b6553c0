"""LicenseQueue on SQS."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import ServiceFailure


class SqsLicenseQueue:
    def __init__(self, queue_url: str, sqs: Any = None):
        self._queue_url = queue_url
        self._client = sqs or client("sqs")

    def send(self, message: dict[str, Any]) -> None:
        try:
            self._client.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(message))
        except (ClientError, BotoCoreError) as error:
            raise ServiceFailure("sqs", error_code(error)) from None
