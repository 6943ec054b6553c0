"""Notifier on SNS ApplicationNotifications."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import ServiceFailure


class SnsNotifier:
    """Makes its client on the first message unless given one: an application that passes every check sends none."""

    def __init__(self, topic_arn: str, sns: Any = None):
        self._topic_arn = topic_arn
        self._sns = sns

    @cached_property
    def _client(self) -> Any:
        return self._sns or client("sns")

    def publish(self, subject: str, body: str, attributes: dict[str, str]) -> None:
        try:
            self._client.publish(
                TopicArn=self._topic_arn,
                Subject=subject,
                Message=body,
                MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
            )
        except (ClientError, BotoCoreError) as error:
            raise ServiceFailure("sns", error_code(error)) from None
