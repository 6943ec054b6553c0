"""The audit trail's contract, against both implementations: append-only, numbered per case, nothing lost under
concurrent appends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from kyc.adapters.audit_dynamodb import DynamoAuditTrail
from kyc.adapters.memory import MemoryAuditTrail
from kyc.ports import AuditEvent, AuditTrail
from moto import mock_aws

VIEWED = AuditEvent("rita", "viewed", "2026-12-01T12:00:00Z")


@pytest.fixture(params=["memory", "dynamodb"])
def trail(request) -> AuditTrail:
    if request.param == "memory":
        yield MemoryAuditTrail()
        return
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(  # as template.yaml declares AuditTable
            TableName="AuditTable",
            KeySchema=[{"AttributeName": "CASE_ID", "KeyType": "HASH"},
                       {"AttributeName": "SEQUENCE", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "CASE_ID", "AttributeType": "S"},
                                  {"AttributeName": "SEQUENCE", "AttributeType": "N"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield DynamoAuditTrail("AuditTable", dynamodb)


def test_events_are_numbered_per_case_and_read_back_in_order(trail):
    decided = AuditEvent("sue", "approved", "2026-12-01T12:05:00Z", "REVIEW", "APPROVED", "face checked by eye")
    assert trail.append("app1", VIEWED) == 1
    assert trail.append("app2", VIEWED) == 1
    assert trail.append("app1", decided) == 2
    assert trail.events("app1") == [
        AuditEvent("rita", "viewed", "2026-12-01T12:00:00Z", sequence=1),
        AuditEvent("sue", "approved", "2026-12-01T12:05:00Z", "REVIEW", "APPROVED", "face checked by eye", 2),
    ]
    assert trail.events("none") == []


def test_concurrent_appends_lose_nothing(trail):
    events = [AuditEvent(f"user{n}", "commented", "2026-12-01T12:00:00Z", note=str(n)) for n in range(12)]
    with ThreadPoolExecutor(6) as pool:
        numbers = list(pool.map(lambda event: trail.append("app1", event), events))
    assert sorted(numbers) == list(range(1, 13))
    kept = trail.events("app1")
    assert [event.sequence for event in kept] == list(range(1, 13))
    assert sorted(event.note for event in kept) == sorted(str(n) for n in range(12))
