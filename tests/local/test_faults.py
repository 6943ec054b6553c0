"""The fault injector fails the share of calls it is set to, in ways botocore retries, before anything is sent."""

from __future__ import annotations

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from kyc_local.faults import FaultInjector


def session_with_faults(rate: float) -> tuple[boto3.session.Session, FaultInjector]:
    session = botocore.session.get_session()
    injector = FaultInjector(rate, seed=7)
    session.register("before-send", injector.answer)
    return boto3.session.Session(botocore_session=session, region_name="us-east-1"), injector


LISTINGS = {"dynamodb": "list_tables", "sqs": "list_queues", "s3": "list_buckets", "sns": "list_topics"}


@pytest.mark.parametrize("service", LISTINGS)
def test_every_failure_is_one_botocore_retries(moto_url, service):
    session, injector = session_with_faults(0.5)
    config = Config(retries={"mode": "standard", "max_attempts": 12})
    listing = getattr(session.client(service, endpoint_url=moto_url, config=config), LISTINGS[service])

    for _ in range(20):
        listing()  # each call succeeds within its retries

    assert sum(injector.injected.values()) >= 5


def test_the_rate_is_honoured(moto_url):
    session, injector = session_with_faults(0.2)
    sent = []
    session.events.register("before-send", lambda **_: sent.append(1))
    client = session.client(
        "dynamodb", endpoint_url=moto_url, config=Config(retries={"mode": "standard", "max_attempts": 1})
    )
    for _ in range(300):
        try:
            client.list_tables()
        except ClientError as error:
            assert error.response["Error"]["Code"] in {"ThrottlingException", "InternalFailure", "ServiceUnavailable"}

    assert 0.14 <= injector.injected["dynamodb.ListTables"] / len(sent) <= 0.26


def test_a_session_without_the_hook_is_untouched(moto_url):
    session_with_faults(0.99)
    client = boto3.session.Session(region_name="us-east-1").client("dynamodb", endpoint_url=moto_url)
    for _ in range(20):
        client.list_tables()


def test_the_rate_must_be_a_share():
    with pytest.raises(ValueError):
        FaultInjector(1.0)


def test_an_outage_fails_every_call_of_its_operations_until_restored(moto_url):
    session, injector = session_with_faults(0.0)
    client = session.client(
        "dynamodb", endpoint_url=moto_url, config=Config(retries={"mode": "standard", "max_attempts": 3})
    )
    injector.outage("dynamodb.ListTables")
    with pytest.raises(ClientError):
        client.list_tables()
    assert set(injector.injected) == {"dynamodb.ListTables"} and injector.injected["dynamodb.ListTables"] >= 3
    client.describe_limits()  # the other operations pass
    injector.restore()
    client.list_tables()
