"""The audit trail on DynamoDB AuditTable: key CASE_ID (S) + SEQUENCE (N); each event one conditional PutItem of the
case's next number, so no event overwrites another; the adapter never updates nor deletes (nor may its role)."""

from __future__ import annotations

from typing import Any

from kyc.adapters.aws import client
from kyc.adapters.dynamodb import ConditionFailed, DynamoApplications
from kyc.adapters.dynamodb_schema import plain_item, to_dynamo
from kyc.model import ServiceFailure
from kyc.ports import AuditEvent

_FIELDS = {"ACTOR": "actor", "ACTION": "action", "AT": "at", "OLD": "old", "NEW": "new", "NOTE": "note"}
_ATTEMPTS = 20  # concurrent appends to one case: each loser retries with the next number


class DynamoAuditTrail:
    def __init__(self, table: str, dynamodb: Any = None):
        self._table = table
        self._client = dynamodb or client("dynamodb")

    def append(self, case_id: str, event: AuditEvent) -> int:
        for _ in range(_ATTEMPTS):
            sequence = self._last(case_id) + 1
            item = {"CASE_ID": case_id, "SEQUENCE": sequence}
            item |= {name: getattr(event, field) for name, field in _FIELDS.items()}
            try:
                DynamoApplications._call(
                    self._client.put_item,
                    TableName=self._table,
                    Item={name: to_dynamo(value) for name, value in item.items()},
                    ConditionExpression="attribute_not_exists(#sequence)",  # SEQUENCE: a reserved word
                    ExpressionAttributeNames={"#sequence": "SEQUENCE"},
                )
            except ConditionFailed:
                continue
            return sequence
        raise ServiceFailure("dynamodb", "AuditContention")

    def events(self, case_id: str) -> list[AuditEvent]:
        events: list[AuditEvent] = []
        start: dict[str, Any] | None = None
        while True:
            page = self._query(case_id, forward=True, start=start)
            for item in map(plain_item, page.get("Items", [])):
                values = {field: str(item.get(name, "")) for name, field in _FIELDS.items()}
                events.append(AuditEvent(**values, sequence=int(item["SEQUENCE"])))
            start = page.get("LastEvaluatedKey")
            if not start:
                return events

    def _last(self, case_id: str) -> int:
        items = self._query(case_id, forward=False, limit=1).get("Items", [])
        return int(items[0]["SEQUENCE"]["N"]) if items else 0

    def _query(self, case_id: str, *, forward: bool, limit: int | None = None,
               start: dict[str, Any] | None = None) -> dict[str, Any]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "CASE_ID = :case",
            "ExpressionAttributeValues": {":case": {"S": case_id}},
            "ScanIndexForward": forward,
            "ConsistentRead": True,
        }
        if limit is not None:
            request["Limit"] = limit
        if start is not None:
            request["ExclusiveStartKey"] = start
        return DynamoApplications._call(self._client.query, **request)
