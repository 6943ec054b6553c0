"""The application record on DynamoDB CustomerMetadataTable: the item schema and every write condition live here.

Item: APP_UUID; BUNDLE_ETAG; APPLICATION_STATUS; REASONS; the eight CSV fields; per check the lab's BOOL (when
decided) and `<CHECK>_RESULT` {outcome, reasons, detail}; FACE_SIMILARITY; DETAILS_REPORT; STATUS_DETAIL;
CREATED_AT / UPDATED_AT (ISO-8601 UTC); EXPIRES_AT (TTL, epoch seconds); LEASE_UNTIL and VALIDATION_LEASE_UNTIL;
MARKERS (the effects done).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.lifecycle import AWAITING, RECORDABLE, sources
from kyc.model import DETAIL_FIELDS, Check, CheckResult, Details, Outcome, Reason, ServiceFailure, Status, iso
from kyc.ports import ApplicationRecord, Claim

_deserializer = TypeDeserializer()  # Powertools' copy of boto3's, without importing boto3 (kyc.adapters.aws)
Item = dict[str, Any]
_UPLOAD_LEASE = "LEASE_UNTIL"
_VALIDATION_LEASE = "VALIDATION_LEASE_UNTIL"


def _to_dynamo(value: Any) -> dict[str, Any]:
    """A record's value as a DynamoDB attribute value; a float is stored as the number it prints as."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": str(Decimal(str(value)))}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {str(k): _to_dynamo(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [_to_dynamo(v) for v in value]}
    raise TypeError(f"no DynamoDB type for {type(value).__name__}")


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return type(value)(_from_dynamo(v) for v in value)
    return value


def result_attributes(result: CheckResult) -> Item:
    """One check's attributes: the lab's BOOL (when decided), its result map, and the similarity or report."""
    detail = {key: value for key, value in result.detail.items() if key != "fields"}
    values: Item = {
        f"{result.check}_RESULT": {
            "outcome": str(result.outcome),
            "reasons": [str(reason) for reason in result.reasons],
            "detail": detail,
        }
    }
    if result.value is not None:
        values[str(result.check)] = result.value
    if result.check is Check.FACE and result.detail.get("similarity") is not None:
        values["FACE_SIMILARITY"] = result.detail["similarity"]
    if result.check is Check.DETAILS and "fields" in result.detail:
        values["DETAILS_REPORT"] = result.detail["fields"]
    return values


def _result(item: Item, check: Check) -> CheckResult | None:
    recorded = item.get(f"{check}_RESULT")
    if not recorded:
        return None
    detail = dict(recorded.get("detail") or {})
    if check is Check.DETAILS and "DETAILS_REPORT" in item:
        detail["fields"] = item["DETAILS_REPORT"]
    reasons = tuple(Reason(reason) for reason in recorded.get("reasons", []))
    return CheckResult(check, Outcome(recorded["outcome"]), reasons, detail)


def record_from_item(item: Item) -> ApplicationRecord:
    """The record an item holds (a plain item, as boto3's resource layer or a stream gives it, or a typed one)."""
    results = {check: result for check in Check if (result := _result(item, check)) is not None}
    return ApplicationRecord(
        app_uuid=item["APP_UUID"],
        etag=item.get("BUNDLE_ETAG", ""),
        status=Status(item["APPLICATION_STATUS"]),
        reasons=tuple(Reason(reason) for reason in item.get("REASONS") or ()),
        details={name: item[name] for name in DETAIL_FIELDS if name in item},
        results=results,
        effects=frozenset(item.get("MARKERS") or ()),
        status_detail=item.get("STATUS_DETAIL"),
        created_at=item.get("CREATED_AT", ""),
        updated_at=item.get("UPDATED_AT", ""),
    )


def _status_values(status: Status, reasons: tuple[Reason, ...], now: datetime) -> Item:
    return {"APPLICATION_STATUS": str(status), "REASONS": [str(r) for r in reasons], "UPDATED_AT": iso(now)}


def plain_item(item: dict[str, Any]) -> Item:
    """A typed DynamoDB item (as GetItem returns it) in plain values."""
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


class ConditionFailed(Exception):
    """A conditional write whose condition did not hold."""


class DynamoApplications:
    def __init__(self, table: str, dynamodb: Any = None):
        self._table = table
        self._client = dynamodb or client("dynamodb")

    def read(self, app_uuid: str) -> ApplicationRecord | None:
        response = self._call(
            self._client.get_item, TableName=self._table, Key=self._key(app_uuid), ConsistentRead=True
        )
        item = response.get("Item")
        return record_from_item(plain_item(item)) if item else None

    def claim(self, claim: Claim) -> ApplicationRecord | None:
        rejection = claim.rejection
        item: Item = {
            "APP_UUID": claim.app_uuid,
            "BUNDLE_ETAG": claim.etag,
            **_status_values(
                Status.REJECTED if rejection else Status.PROCESSING,
                (rejection.reason,) if rejection else (),
                claim.now,
            ),
            **claim.details,
            "CREATED_AT": iso(claim.now),
            "EXPIRES_AT": int(claim.expires_at.timestamp()),
            _UPLOAD_LEASE: iso(claim.lease_until),
        }
        if rejection:
            item["STATUS_DETAIL"] = rejection.detail
        try:
            self._call(
                self._client.put_item,
                TableName=self._table,
                Item={k: _to_dynamo(v) for k, v in item.items()},
                ConditionExpression="attribute_not_exists(APP_UUID)",
            )
        except ConditionFailed:
            return None
        return record_from_item(item)

    def take_upload_lease(self, app_uuid: str, etag: str, now: datetime, until: datetime) -> bool:
        return self._update(app_uuid, {_UPLOAD_LEASE: iso(until)}, etag=etag, lease=(_UPLOAD_LEASE, now)) is not None

    def release_upload_lease(self, app_uuid: str, etag: str, now: datetime) -> None:
        self._update(app_uuid, {_UPLOAD_LEASE: iso(now)}, etag=etag)

    def record_details(self, app_uuid: str, etag: str, details: Details, now: datetime) -> bool:
        values = {**details, "APPLICATION_STATUS": str(Status.PROCESSING), "UPDATED_AT": iso(now)}
        return self._update(app_uuid, values, etag=etag, statuses=sources(Status.PROCESSING)) is not None

    def record_result(self, app_uuid: str, etag: str, result: CheckResult, now: datetime) -> bool:
        values = {**result_attributes(result), "UPDATED_AT": iso(now)}
        return self._update(app_uuid, values, etag=etag, statuses=RECORDABLE[result.check]) is not None

    def settle(
        self, app_uuid: str, status: Status, reasons: tuple[Reason, ...], now: datetime, *,
        etag: str | None = None, detail: str | None = None,
    ) -> bool:
        values = _status_values(status, reasons, now)
        if detail is not None:
            values["STATUS_DETAIL"] = detail
        return self._update(app_uuid, values, etag=etag, statuses=sources(status)) is not None

    def take_validation_lease(self, app_uuid: str, now: datetime, until: datetime) -> ApplicationRecord | None:
        item = self._update(
            app_uuid, {_VALIDATION_LEASE: iso(until)}, statuses=AWAITING, lease=(_VALIDATION_LEASE, now), read=True
        )
        return record_from_item(item) if item is not None else None

    def settle_validation(
        self, app_uuid: str, result: CheckResult, status: Status, reasons: tuple[Reason, ...], now: datetime
    ) -> bool:
        values = {**result_attributes(result), **_status_values(status, reasons, now)}
        allowed = RECORDABLE[result.check] & sources(status)
        return self._update(app_uuid, values, statuses=allowed) is not None

    def release_validation_lease(self, app_uuid: str, now: datetime) -> None:
        self._update(app_uuid, {_VALIDATION_LEASE: iso(now)}, statuses=AWAITING)

    def mark_done(self, app_uuid: str, effect: str) -> bool:
        return self._conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(app_uuid),
            UpdateExpression="ADD MARKERS :m",
            ConditionExpression="attribute_exists(APP_UUID) AND NOT contains(MARKERS, :v)",
            ExpressionAttributeValues={":m": {"SS": [effect]}, ":v": {"S": effect}},
        )

    def unmark(self, app_uuid: str, effect: str) -> None:
        self._call(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(app_uuid),
            UpdateExpression="DELETE MARKERS :m",
            ExpressionAttributeValues={":m": {"SS": [effect]}},
        )

    def _update(
        self,
        app_uuid: str,
        values: Item,
        *,
        etag: str | None = None,
        statuses: Collection[Status] | None = None,
        lease: tuple[str, datetime] | None = None,
        read: bool = False,
    ) -> Item | None:
        """Set the values when the item exists and the conditions hold: the item as written (`read`) or {}; None
        when a condition does not hold."""
        if statuses is not None and not statuses:
            return None  # no status may move there
        names, vals, clauses = {}, {}, []
        for index, (name, value) in enumerate(values.items()):
            names[f"#s{index}"] = name
            vals[f":s{index}"] = _to_dynamo(value)
            clauses.append(f"#s{index} = :s{index}")
        checks = ["attribute_exists(APP_UUID)"]
        if etag is not None:
            names["#etag"], vals[":etag"] = "BUNDLE_ETAG", _to_dynamo(etag)
            checks.append("#etag = :etag")
        if statuses is not None:
            names["#status"] = "APPLICATION_STATUS"
            options = []
            for index, status in enumerate(sorted(statuses)):
                vals[f":c{index}"] = _to_dynamo(str(status))
                options.append(f":c{index}")
            checks.append(f"#status IN ({', '.join(options)})")
        if lease is not None:
            names["#lease"], vals[":now"] = lease[0], _to_dynamo(iso(lease[1]))
            checks.append("(attribute_not_exists(#lease) OR #lease <= :now)")
        request = {
            "TableName": self._table,
            "Key": self._key(app_uuid),
            "UpdateExpression": "SET " + ", ".join(clauses),
            "ConditionExpression": " AND ".join(checks),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": vals,
        }
        try:
            response = self._call(self._client.update_item, **request, **({"ReturnValues": "ALL_NEW"} if read else {}))
        except ConditionFailed:
            return None
        return plain_item(response["Attributes"]) if read else {}

    @staticmethod
    def _key(app_uuid: str) -> dict[str, Any]:
        return {"APP_UUID": {"S": app_uuid}}

    def _conditional(self, operation: Callable[..., Any], **request: Any) -> bool:
        try:
            self._call(operation, **request)
        except ConditionFailed:
            return False
        return True

    @staticmethod
    def _call(operation: Callable[..., Any], **request: Any) -> dict[str, Any]:
        """The response; ConditionFailed when the request's condition does not hold, else ServiceFailure."""
        try:
            response: dict[str, Any] = operation(**request)
            return response
        except (ClientError, BotoCoreError) as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise ConditionFailed from None
            raise ServiceFailure("dynamodb", error_code(error)) from None

