"""The queues' SLA settings on DynamoDB AuditTable, as an append-only record of their own: CASE_ID "#queue-settings"
(never an app id, which is [A-Za-z0-9_-]), SEQUENCE the version; each change one conditional PutItem of the next
version (no change overwrites another, and the table's policy denies updates), with who made it and when."""

from __future__ import annotations

from typing import Any

from kyc.adapters.aws import client
from kyc.adapters.dynamodb import ConditionFailed, DynamoApplications
from kyc.adapters.dynamodb_schema import plain_item, to_dynamo
from kyc.queues import QueueSettings

SETTINGS_ID = "#queue-settings"


class DynamoQueueSettings:
    def __init__(self, table: str, dynamodb: Any = None):
        self._table = table
        self._client = dynamodb or client("dynamodb")

    def latest(self, limit: int) -> list[QueueSettings]:
        page = DynamoApplications._call(
            self._client.query,
            TableName=self._table,
            KeyConditionExpression="CASE_ID = :id",
            ExpressionAttributeValues={":id": {"S": SETTINGS_ID}},
            ScanIndexForward=False,
            ConsistentRead=True,
            Limit=limit,
        )
        return [
            QueueSettings({name: int(hours) for name, hours in item["SLA_HOURS"].items()}, int(item["SEQUENCE"]),
                          str(item.get("ACTOR", "")), str(item.get("AT", "")))
            for item in map(plain_item, page.get("Items", []))
        ]

    def record(self, settings: QueueSettings) -> bool:
        item = {"CASE_ID": SETTINGS_ID, "SEQUENCE": settings.version, "ACTION": "queue_settings",
                "SLA_HOURS": settings.sla_hours, "ACTOR": settings.changed_by, "AT": settings.changed_at}
        try:
            DynamoApplications._call(
                self._client.put_item,
                TableName=self._table,
                Item={name: to_dynamo(value) for name, value in item.items()},
                ConditionExpression="attribute_not_exists(#sequence)",  # SEQUENCE: a reserved word
                ExpressionAttributeNames={"#sequence": "SEQUENCE"},
            )
        except ConditionFailed:
            return False
        return True
