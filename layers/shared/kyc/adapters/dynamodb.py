"""Applications on DynamoDB CustomerMetadataTable: every write is conditional."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import ServiceFailure
from kyc.ports import Condition

_deserializer = TypeDeserializer()  # Powertools' copy of boto3's, without importing boto3 (kyc.adapters.aws)


def _to_dynamo(value: Any) -> dict:
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
        return {"M": {k: _to_dynamo(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [_to_dynamo(v) for v in value]}
    raise TypeError(f"no DynamoDB type for {type(value).__name__}")


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, set)):
        return type(value)(_from_dynamo(v) for v in value)
    return value


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as the record it was written from."""
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


class ConditionFailed(Exception):
    """A conditional write whose condition did not hold."""


class DynamoApplications:
    def __init__(self, table: str, dynamodb=None):
        self._table = table
        self._client = dynamodb or client("dynamodb")

    def get(self, app_uuid: str) -> dict[str, Any] | None:
        response = self._call(
            self._client.get_item, TableName=self._table, Key=self._key(app_uuid), ConsistentRead=True
        )
        item = response.get("Item")
        return _from_item(item) if item else None

    def create(self, item: dict[str, Any]) -> bool:
        return self._conditional(
            self._client.put_item,
            TableName=self._table,
            Item={k: _to_dynamo(v) for k, v in item.items()},
            ConditionExpression="attribute_not_exists(APP_UUID)",
        )

    def update(self, app_uuid: str, values: dict[str, Any], condition: Condition) -> bool:
        return self._conditional(self._client.update_item, **self._update_request(app_uuid, values, condition))

    def update_and_read(self, app_uuid: str, values: dict[str, Any], condition: Condition) -> dict[str, Any] | None:
        request = self._update_request(app_uuid, values, condition)
        try:
            return _from_item(self._call(self._client.update_item, **request, ReturnValues="ALL_NEW")["Attributes"])
        except ConditionFailed:
            return None

    def _update_request(self, app_uuid: str, values: dict[str, Any], condition: Condition) -> dict[str, Any]:
        names, vals, clauses = {}, {}, []
        for index, (name, value) in enumerate(values.items()):
            names[f"#s{index}"] = name
            vals[f":s{index}"] = _to_dynamo(value)
            clauses.append(f"#s{index} = :s{index}")
        checks = ["attribute_exists(APP_UUID)"]
        if condition.etag is not None:
            names["#etag"], vals[":etag"] = "BUNDLE_ETAG", _to_dynamo(condition.etag)
            checks.append("#etag = :etag")
        if condition.statuses is not None:
            names["#status"] = "APPLICATION_STATUS"
            options = []
            for index, status in enumerate(sorted(condition.statuses)):
                vals[f":c{index}"] = _to_dynamo(str(status))
                options.append(f":c{index}")
            checks.append(f"#status IN ({', '.join(options)})")
        if condition.lease_expired_at is not None:
            names["#lease"], vals[":now"] = condition.lease, _to_dynamo(condition.lease_expired_at)
            checks.append("(attribute_not_exists(#lease) OR #lease <= :now)")
        return {
            "TableName": self._table,
            "Key": self._key(app_uuid),
            "UpdateExpression": "SET " + ", ".join(clauses),
            "ConditionExpression": " AND ".join(checks),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": vals,
        }

    def add_marker(self, app_uuid: str, marker: str) -> bool:
        return self._conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(app_uuid),
            UpdateExpression="ADD MARKERS :m",
            ConditionExpression="attribute_exists(APP_UUID) AND NOT contains(MARKERS, :v)",
            ExpressionAttributeValues={":m": {"SS": [marker]}, ":v": {"S": marker}},
        )

    def remove_marker(self, app_uuid: str, marker: str) -> None:
        self._call(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(app_uuid),
            UpdateExpression="DELETE MARKERS :m",
            ExpressionAttributeValues={":m": {"SS": [marker]}},
        )

    @staticmethod
    def _key(app_uuid: str) -> dict:
        return {"APP_UUID": {"S": app_uuid}}

    def _conditional(self, operation, **request) -> bool:
        try:
            self._call(operation, **request)
        except ConditionFailed:
            return False
        return True

    @staticmethod
    def _call(operation, **request) -> dict:
        """The response; ConditionFailed when the request's condition does not hold, else ServiceFailure."""
        try:
            return operation(**request)
        except (ClientError, BotoCoreError) as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise ConditionFailed from None
            raise ServiceFailure("dynamodb", error_code(error)) from None
