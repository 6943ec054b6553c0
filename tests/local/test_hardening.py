"""Faults and duplicate deliveries through the real local stack, part 1 and part 2: 20 % of the handlers' AWS calls
fail, every S3/EventBridge event and SQS message arrives three times, and still every bundle ends in its status, with
one paid call of each kind and one notification per failed check."""

from __future__ import annotations

import email
from collections import Counter

import pytest

from kyc_local.samples.bundles import repack
from tests.local.conftest import README_OUTCOMES, SAMPLES, final, kyc_up, wait_for

COPIES = 3  # each UnitTests bundle under three new app ids: 21 applications in flight at once
PAID = ("CompareFaces", "AnalyzeID")


@pytest.fixture(scope="module", params=["lambda", "stepfunctions"])
def hardened(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"hardened-{request.param}")
    # Retries come 45 s and 90 s after a failure, like AWS's 1 and 2 minutes: after the 90 s lease of an invocation
    # that failed without releasing it has run out.
    with kyc_up(workdir, "--workflow", request.param, "--faults", "0.2", "--deliveries", "3",
                "--retry-wait", "45") as stack:
        yield stack


def test_faults_and_triple_delivery_lose_nothing_and_do_nothing_twice(hardened):
    s3 = hardened.client("s3")
    expected = {}
    for sample, (status, reasons) in README_OUTCOMES.items():
        for copy in range(COPIES):
            app_uuid = f"h{copy}{sample}"
            body = repack((SAMPLES / f"{sample}.zip").read_bytes(), sample, app_uuid)
            s3.put_object(Bucket=hardened.info["bucket"], Key=f"zipped/{app_uuid}.zip", Body=body)
            expected[app_uuid] = (status, reasons)

    results = {app_uuid: final(hardened, app_uuid, timeout=600) for app_uuid in expected}

    for app_uuid, (status, reasons) in expected.items():
        result = results[app_uuid]
        if "SERVICE_ERROR" in result.reasons:  # a dependency failed beyond every retry: recorded, notified
            assert result.status in {"ERROR", status}, app_uuid
            assert set(result.reasons) - {"SERVICE_ERROR"} <= set(reasons), app_uuid
        else:
            assert (result.status, result.reasons) == (status, reasons), app_uuid
    assert sum("SERVICE_ERROR" in r.reasons for r in results.values()) <= len(expected) // 5

    paid = hardened.paid_calls()["applications"]
    for app_uuid, (status, reasons) in expected.items():
        calls = paid.get(app_uuid, {})
        assert all(calls.get(operation, 0) <= 1 for operation in PAID), (app_uuid, calls)
        if "BUNDLE_INVALID" in reasons:
            assert calls == {}, app_uuid

    def notifications() -> Counter:
        subjects = Counter()
        for path in hardened.outbox():
            message = email.message_from_bytes(path.read_bytes())
            subjects[(message["X-SNS-Attribute-app_uuid"], message["X-SNS-Attribute-check"])] += 1
        return subjects

    failed = {app_uuid for app_uuid, (status, _) in expected.items() if status != "APPROVED"}
    # A status is final before its notification is sent; a publish that fails beyond botocore's retries is sent by
    # the invocation's retries, 45 s and then 90 s later.
    sent = wait_for(lambda: (n := notifications()) and {app for app, _ in n} >= failed and n, 180, "notifications")
    assert max(sent.values()) == 1, [key for key, count in sent.items() if count > 1]
    log = (hardened.workdir / "logs" / "functions.log").read_text(encoding="utf-8")
    assert log.count("fault injected:") >= 50  # the faults were real: hundreds of calls, a fifth of them failed
