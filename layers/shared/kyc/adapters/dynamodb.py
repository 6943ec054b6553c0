"""The application record on DynamoDB CustomerMetadataTable: every write condition lives here (the item schema in
`kyc.adapters.dynamodb_schema`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.adapters.dynamodb_schema import (
    ASSIGNEE,
    ATTEMPT_ONLY,
    MESSAGE,
    PENDING,
    QUEUE,
    QUEUE_ONLY,
    QUEUED_AT,
    STATUS,
    UPLOAD_LEASE,
    VALIDATION_LEASE,
    WAITING_INDEX,
    Item,
    attempt_item,
    check_attributes,
    decision_values,
    past_attempt_value,
    pending_value,
    plain_item,
    queue_entry,
    record_from_item,
    result_attributes,
    status_values,
    to_dynamo,
)
from kyc.lifecycle import AWAITING, MAX_ATTEMPTS, RECORDABLE, REOPENABLE, reopened_status, sources, staff_may_move
from kyc.model import Check, CheckResult, Details, Outcome, Reason, ServiceFailure, Status, iso
from kyc.ports import ApplicationRecord, Claim, QueueEntry, QueueQuery, StaffDecision
from kyc.queues import QUEUED

_FIRST_PAGE, _PAGE = 10, 100  # index items read by the first page of a queue query, and at most by a later one
_QUEUED_VALUES = {f":q{index}": to_dynamo(str(status)) for index, status in enumerate(sorted(QUEUED))}
_WAITS = f"#status IN ({', '.join(_QUEUED_VALUES)})"  # the case waits in a queue


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
        item = attempt_item(claim, 1)
        try:
            self._call(
                self._client.put_item,
                TableName=self._table,
                Item={k: to_dynamo(v) for k, v in item.items()},
                ConditionExpression="attribute_not_exists(APP_UUID)",
            )
        except ConditionFailed:
            return None
        return record_from_item(item)

    def start_attempt(self, claim: Claim, previous: ApplicationRecord) -> ApplicationRecord | None:
        if previous.status not in REOPENABLE or previous.attempt >= MAX_ATTEMPTS:
            return None
        item = attempt_item(claim, previous.attempt + 1)
        values = {name: value for name, value in item.items() if name != "APP_UUID"}
        names = {f"#s{index}": name for index, name in enumerate(values)}
        vals = {f":s{index}": to_dynamo(value) for index, value in enumerate(values.values())}
        removed = [name for name in ATTEMPT_ONLY if name not in values]
        names |= {f"#r{index}": name for index, name in enumerate(removed)}
        names |= {"#attempts": "ATTEMPTS", "#etag": "BUNDLE_ETAG", "#status": "APPLICATION_STATUS", "#n": "ATTEMPT"}
        vals |= {":past": to_dynamo([past_attempt_value(previous)]), ":none": {"L": []},
                 ":previous": to_dynamo(previous.etag), ":n": to_dynamo(previous.attempt)}
        vals |= {f":c{index}": to_dynamo(str(status)) for index, status in enumerate(sorted(REOPENABLE))}
        assignments = [f"#s{index} = :s{index}" for index in range(len(values))]
        assignments.append("#attempts = list_append(if_not_exists(#attempts, :none), :past)")
        options = ", ".join(f":c{index}" for index in range(len(REOPENABLE)))
        try:
            response = self._call(
                self._client.update_item,
                TableName=self._table,
                Key=self._key(claim.app_uuid),
                UpdateExpression=f"SET {', '.join(assignments)} REMOVE {', '.join(f'#r{i}' for i in range(len(removed)))}",
                ConditionExpression=f"#etag = :previous AND #n = :n AND #status IN ({options})",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=vals,
                ReturnValues="ALL_NEW",
            )
        except ConditionFailed:
            return None
        return record_from_item(plain_item(response["Attributes"]))

    def take_upload_lease(self, app_uuid: str, etag: str, now: datetime, until: datetime) -> bool:
        return self._update(app_uuid, {UPLOAD_LEASE: iso(until)}, etag=etag, lease=(UPLOAD_LEASE, now)) is not None

    def release_upload_lease(self, app_uuid: str, etag: str, now: datetime) -> None:
        self._update(app_uuid, {UPLOAD_LEASE: iso(now)}, etag=etag)

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
        values = status_values(status, reasons, now)
        if detail is not None:
            values["STATUS_DETAIL"] = detail
        return self._update(app_uuid, values, etag=etag, statuses=sources(status)) is not None

    def take_validation_lease(self, app_uuid: str, now: datetime, until: datetime) -> ApplicationRecord | None:
        item = self._update(
            app_uuid, {VALIDATION_LEASE: iso(until)}, statuses=AWAITING, lease=(VALIDATION_LEASE, now), read=True
        )
        return record_from_item(item) if item is not None else None

    def settle_validation(
        self, app_uuid: str, result: CheckResult, status: Status, reasons: tuple[Reason, ...], now: datetime
    ) -> bool:
        values = {**result_attributes(result), **status_values(status, reasons, now)}
        allowed = RECORDABLE[result.check] & sources(status)
        return self._update(app_uuid, values, statuses=allowed) is not None

    def release_validation_lease(self, app_uuid: str, now: datetime) -> None:
        self._update(app_uuid, {VALIDATION_LEASE: iso(now)}, statuses=AWAITING)

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

    def decide(self, app_uuid: str, current: Status, decision: StaffDecision, now: datetime) -> bool:
        if not staff_may_move(current, decision.target):
            return False
        return self._staff_write(app_uuid, current, decision_values(decision, now), pending=None,
                                 assignee=decision.actor)

    def propose(self, app_uuid: str, current: Status, decision: StaffDecision, now: datetime) -> bool:
        if not staff_may_move(current, decision.target, confirmed=True):
            return False
        return self._staff_write(app_uuid, current, {PENDING: pending_value(decision, now)}, pending=None,
                                 assignee=decision.actor)

    def confirm(self, app_uuid: str, confirmer: str, now: datetime) -> StaffDecision | None:
        record = self.read(app_uuid)
        pending = record.pending if record else None
        if record is None or pending is None or pending.decision.actor == confirmer:
            return None
        written = self._staff_write(
            app_uuid, record.status, decision_values(pending.decision, now), pending=(pending.proposed_at,
                                                                                   pending.decision.actor),
        )
        return pending.decision if written else None

    def reopen(
        self, app_uuid: str, checks: frozenset[Check], actor: str, forget: frozenset[str], now: datetime,
        lease_until: datetime,
    ) -> ApplicationRecord | None:
        target = reopened_status(checks)
        if target is None:
            return None
        names = {"#status": STATUS, "#pending": PENDING, "#outcome": "outcome", "#reasons": "REASONS",
                 "#updated": "UPDATED_AT", "#detail": "STATUS_DETAIL"}
        vals = {":error": to_dynamo(str(Status.ERROR)), ":errored": to_dynamo(str(Outcome.ERROR)),
                ":target": to_dynamo(str(target)), ":none": {"L": []}, ":now": to_dynamo(iso(now))}
        assignments = ["#status = :target", "#reasons = :none", "#updated = :now"]
        removed, errored = ["#detail"], []
        for index, check in enumerate(sorted(checks)):
            names[f"#c{index}"] = f"{check}_RESULT"
            removed.append(f"#c{index}")
            errored.append(f"#c{index}.#outcome = :errored")
        for index, name in enumerate((*(a for check in sorted(checks) for a in check_attributes(check)), *QUEUE_ONLY)):
            names[f"#r{index}"] = name
            removed.append(f"#r{index}")
        names["#queue"], names["#assignee"], vals[":actor"] = QUEUE, ASSIGNEE, to_dynamo(actor)
        if Check.VALIDATION in checks:
            names["#lease"] = VALIDATION_LEASE
            removed.append("#lease")
        else:
            names["#lease"], vals[":until"] = UPLOAD_LEASE, to_dynamo(iso(lease_until))
            assignments.append("#lease = :until")
        expression = f"SET {', '.join(assignments)} REMOVE {', '.join(removed)}"
        if forget:
            names["#markers"], vals[":forget"] = "MARKERS", {"SS": sorted(forget)}
            expression += " DELETE #markers :forget"
        try:
            response = self._call(
                self._client.update_item,
                TableName=self._table,
                Key=self._key(app_uuid),
                UpdateExpression=expression,
                ConditionExpression=f"#status = :error AND {' AND '.join(errored)} AND attribute_not_exists(#pending) "
                "AND (attribute_not_exists(#queue) OR #assignee = :actor)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=vals,
                ReturnValues="ALL_NEW",
            )
        except ConditionFailed:
            return None
        return record_from_item(plain_item(response["Attributes"]))

    def waiting(self, query: QueueQuery, limit: int) -> list[QueueEntry]:
        names = {"#queue": QUEUE, "#status": STATUS}
        vals = {":queue": to_dynamo(query.queue)}
        key = "#queue = :queue"
        if query.queued_from is not None or query.queued_to is not None:
            names["#at"] = QUEUED_AT
        if query.queued_from is not None and query.queued_to is not None:
            if query.queued_from > query.queued_to:
                return []
            key += " AND #at BETWEEN :from AND :to"
        elif query.queued_from is not None:
            key += " AND #at >= :from"
        elif query.queued_to is not None:
            key += " AND #at <= :to"
        vals |= {name: to_dynamo(value) for name, value in ((":from", query.queued_from), (":to", query.queued_to))
                 if value is not None}
        statuses = sorted(query.statuses & QUEUED)
        if not statuses:
            return []
        vals |= {f":s{index}": to_dynamo(str(status)) for index, status in enumerate(statuses)}
        filters = [f"#status IN ({', '.join(f':s{index}' for index in range(len(statuses)))})"]
        if query.reason is not None:
            names["#reasons"], vals[":reason"] = "REASONS", to_dynamo(str(query.reason))
            filters.append("contains(#reasons, :reason)")
        if query.assignee is not None:
            names["#assignee"], vals[":assignee"] = ASSIGNEE, to_dynamo(query.assignee)
            filters.append("#assignee = :assignee")
        if query.unassigned:
            names["#assignee"] = ASSIGNEE
            filters.append("attribute_not_exists(#assignee)")
        request: dict[str, Any] = {
            "TableName": self._table, "IndexName": WAITING_INDEX, "KeyConditionExpression": key,
            "FilterExpression": " AND ".join(filters), "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": vals, "ScanIndexForward": True, "Limit": max(limit, _FIRST_PAGE),
        }
        entries: list[QueueEntry] = []
        while len(entries) < limit:  # a filter drops items after Limit: read on, in larger pages
            page = self._call(self._client.query, **request)
            entries += [queue_entry(plain_item(item)) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            request["Limit"] = min(2 * request["Limit"], max(limit, _PAGE))
        return entries[:limit]

    def assign(self, app_uuid: str, queue: str, assignee: str | None, previous: str | None) -> bool:
        names = {"#queue": QUEUE, "#status": STATUS, "#assignee": ASSIGNEE}
        vals = {":queue": to_dynamo(queue), **_QUEUED_VALUES}
        condition = f"attribute_exists(APP_UUID) AND #queue = :queue AND {_WAITS}"
        if previous is None:
            condition += " AND attribute_not_exists(#assignee)"
        else:
            vals[":previous"] = to_dynamo(previous)
            condition += " AND #assignee = :previous"
        if assignee is None:
            update = "REMOVE #assignee"
        else:
            vals[":assignee"] = to_dynamo(assignee)
            update = "SET #assignee = :assignee"
        return self._conditional(
            self._client.update_item, TableName=self._table, Key=self._key(app_uuid), UpdateExpression=update,
            ConditionExpression=condition, ExpressionAttributeNames=names, ExpressionAttributeValues=vals,
        )

    def escalate(self, app_uuid: str, assignee: str, queue: str, now: datetime) -> bool:
        names = {"#queue": QUEUE, "#status": STATUS, "#assignee": ASSIGNEE, "#at": QUEUED_AT}
        vals = {":queue": to_dynamo(queue), ":assignee": to_dynamo(assignee), ":now": to_dynamo(iso(now)),
                **_QUEUED_VALUES}
        return self._conditional(
            self._client.update_item, TableName=self._table, Key=self._key(app_uuid),
            UpdateExpression="SET #queue = :queue, #at = :now REMOVE #assignee",
            ConditionExpression=f"attribute_exists(#queue) AND #queue <> :queue AND #assignee = :assignee AND {_WAITS}",
            ExpressionAttributeNames=names, ExpressionAttributeValues=vals,
        )

    def _staff_write(
        self, app_uuid: str, current: Status, values: Item, pending: tuple[str, str] | None, assignee: str | None = None
    ) -> bool:
        """Set `values` while the status is `current`, the pending decision is `pending` ((proposed_at, actor);
        None: no decision pending) and, with `assignee`, the case waits in no queue or is assigned to them; a status
        change removes the pending decision, the case from its queue and, without a message, the old applicant
        message."""
        names = {"#status": STATUS, "#pending": PENDING}
        vals = {":current": to_dynamo(str(current))}
        assignments = []
        for index, (name, value) in enumerate(values.items()):
            names[f"#s{index}"], vals[f":s{index}"] = name, to_dynamo(value)
            assignments.append(f"#s{index} = :s{index}")
        expression = "SET " + ", ".join(assignments)
        if STATUS in values:
            removed = ["#pending"]
            for index, name in enumerate(QUEUE_ONLY):
                names[f"#q{index}"] = name
                removed.append(f"#q{index}")
            if MESSAGE not in values:
                names["#message"] = MESSAGE
                removed.append("#message")
            expression += " REMOVE " + ", ".join(removed)
        condition = "attribute_exists(APP_UUID) AND #status = :current AND "
        if pending is None:
            condition += "attribute_not_exists(#pending)"
        else:
            names |= {"#at": "proposed_at", "#actor": "actor"}
            vals |= {":at": to_dynamo(pending[0]), ":actor": to_dynamo(pending[1])}
            condition += "#pending.#at = :at AND #pending.#actor = :actor"
        if assignee is not None:
            names |= {"#queue": QUEUE, "#assignee": ASSIGNEE}
            vals[":assignee"] = to_dynamo(assignee)
            condition += " AND (attribute_not_exists(#queue) OR #assignee = :assignee)"
        return self._conditional(
            self._client.update_item,
            TableName=self._table,
            Key=self._key(app_uuid),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=vals,
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
            vals[f":s{index}"] = to_dynamo(value)
            clauses.append(f"#s{index} = :s{index}")
        checks = ["attribute_exists(APP_UUID)"]
        if etag is not None:
            names["#etag"], vals[":etag"] = "BUNDLE_ETAG", to_dynamo(etag)
            checks.append("#etag = :etag")
        if statuses is not None:
            names["#status"] = "APPLICATION_STATUS"
            options = []
            for index, status in enumerate(sorted(statuses)):
                vals[f":c{index}"] = to_dynamo(str(status))
                options.append(f":c{index}")
            checks.append(f"#status IN ({', '.join(options)})")
        if lease is not None:
            names["#lease"], vals[":now"] = lease[0], to_dynamo(iso(lease[1]))
            checks.append("(attribute_not_exists(#lease) OR #lease <= :now)")
        removed = ""
        if QUEUE in values:  # the case enters a queue unassigned
            names["#assignee"], removed = ASSIGNEE, " REMOVE #assignee"
        request = {
            "TableName": self._table,
            "Key": self._key(app_uuid),
            "UpdateExpression": "SET " + ", ".join(clauses) + removed,
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

