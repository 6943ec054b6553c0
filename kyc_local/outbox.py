"""SNS e-mail as files: every message published to the stack's topics becomes an `.eml` a person can open.

An SQS queue of the runtime's own is subscribed to each topic (like any SNS → SQS subscription); a poller turns
each SNS envelope into an RFC 5322 message addressed to the topic's e-mail subscribers.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_NOBODY = "bank-staff@localhost"  # the To: when the topic has no e-mail subscription (NotificationEmail empty)


class Outbox:
    def __init__(self, folder: Path, sqs_client: Any, sns_client: Any, queue_name: str):
        self.folder = folder
        self._sqs = sqs_client
        self._sns = sns_client
        self._queue_name = queue_name
        self._queue_url = ""
        self._recipients: dict[str, str] = {}
        self._senders: dict[str, str] = {}
        self._written: list[Path] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, topic_arns: list[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._queue_url = self._sqs.create_queue(QueueName=self._queue_name)["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        for arn in topic_arns:
            self._sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
            self._senders[arn] = self._sns.get_topic_attributes(TopicArn=arn)["Attributes"].get("DisplayName", "")
            subscriptions = self._sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
            emails = [s["Endpoint"] for s in subscriptions if s["Protocol"] in ("email", "email-json")]
            self._recipients[arn] = ", ".join(emails) or _NOBODY
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    @property
    def files(self) -> list[Path]:
        with self._changed:
            return list(self._written)

    def drained(self) -> bool:
        """Every message published so far is written."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self._queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return not any(int(value) for value in attributes.values())  # a message being written is not visible

    def wait_for(self, count: int, timeout: float) -> list[Path]:
        """The files written so far, once there are at least `count` of them or `timeout` seconds passed."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._written) >= count, timeout)
            return list(self._written)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                response = self._sqs.receive_message(QueueUrl=self._queue_url, MaxNumberOfMessages=10,
                                                     WaitTimeSeconds=1)
                for message in response.get("Messages", []):
                    self._write(json.loads(message["Body"]))
                    self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])

            except Exception:
                logger.exception("outbox poll failed")
                self._stop.wait(1)

    def _write(self, envelope: dict[str, Any]) -> None:
        topic = envelope.get("TopicArn", "")
        attributes = {name: item.get("Value", "") for name, item in envelope.get("MessageAttributes", {}).items()}
        sent = datetime.fromisoformat(envelope["Timestamp"])
        email = EmailMessage()
        sender = self._senders.get(topic) or topic.rsplit(":", 1)[-1]
        email["From"] = f"{sender} <no-reply@sns.amazonaws.com>"
        email["To"] = self._recipients.get(topic, _NOBODY)
        email["Subject"] = envelope.get("Subject") or "(no subject)"
        email["Date"] = format_datetime(sent)
        email["Message-ID"] = f"<{envelope['MessageId']}@sns.amazonaws.com>"
        email["X-SNS-Topic-Arn"] = topic
        for name, value in sorted(attributes.items()):
            email[f"X-SNS-Attribute-{name}"] = value
        email.set_content(envelope.get("Message", ""), cte="8bit")  # readable in a text editor too
        app = re.sub(r"[^A-Za-z0-9_-]", "_", attributes.get("app_uuid", "message"))[:64]
        with self._changed:
            path = self.folder / f"{sent:%Y%m%dT%H%M%S}-{app}-{len(self._written) + 1:03d}.eml"
            path.write_bytes(email.as_bytes())
            self._written.append(path)
            self._changed.notify_all()
