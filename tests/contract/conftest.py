"""moto applies each DynamoDB request whole, as DynamoDB does: alone, moto checks a write's condition and then writes,
so two threads could both pass one condition. The local stack makes the same fix (kyc_local.moto_patch)."""

import threading

import pytest
from moto.dynamodb.responses import DynamoHandler

_one_request_at_a_time = threading.Lock()


@pytest.fixture(autouse=True)
def atomic_dynamodb_requests(monkeypatch):
    call_action = DynamoHandler.call_action

    def atomic(self):
        with _one_request_at_a_time:
            return call_action(self)

    monkeypatch.setattr(DynamoHandler, "call_action", atomic)
