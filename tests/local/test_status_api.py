"""The mobile app's side on `kyc up`: a rejected application is resubmitted as attempt 2, and the status API, signed
with SigV4 as on AWS, tells the app its status, attempt and next step; unsigned or foreign requests are refused."""

from __future__ import annotations

import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from kyc_local.results import read
from kyc_local.samples.bundles import repack
from tests.local.conftest import SAMPLES, RunningStack, final, kyc_up, upload, wait_for

REFUSED = "d6e2b4f9"  # UnitTests' hostile bundle: REJECTED before any paid call


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> RunningStack:
    with kyc_up(tmp_path_factory.mktemp("status") / "kyc") as running:
        yield running


def ask(stack: RunningStack, app_uuid: str, key: str | None = "testing") -> tuple[int, dict]:
    url = f"{stack.info['api_urls']['ApplicationsApi']}/applications/{app_uuid}"
    request = AWSRequest(method="GET", url=url)
    if key:
        SigV4Auth(Credentials(key, "testing"), "execute-api", "us-east-1").add_auth(request)
    try:
        with urlopen(Request(url, headers=dict(request.headers.items())), timeout=10) as response:
            return response.status, json.load(response)
    except HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_rejected_applicant_resubmits_and_reads_each_outcome(stack: RunningStack) -> None:
    upload(stack, REFUSED)
    assert final(stack, REFUSED).status == "REJECTED"
    status, first = ask(stack, REFUSED)
    assert status == 200
    assert (first["status"], first["reasons"], first["attempt"]) == ("REJECTED", ["BUNDLE_INVALID"], 1)
    assert first["next_step"].startswith("Submit your application again")

    corrected = repack((SAMPLES / "8d247914.zip").read_bytes(), "8d247914", REFUSED)
    stack.client("s3").put_object(Bucket=stack.info["bucket"], Key=f"zipped/{REFUSED}.zip", Body=corrected)
    dynamodb = stack.client("dynamodb")
    wait_for(lambda: ask(stack, REFUSED)[1].get("attempt") == 2 and read(dynamodb, stack.info["table"], REFUSED).final,
             120, "attempt 2")

    status, second = ask(stack, REFUSED)
    assert (status, second["status"], second["attempt"]) == (200, "APPROVED", 2)
    assert second["next_step"] == "Nothing to do: your application is approved."
    assert stack.paid_calls()["CompareFaces"] == 1  # attempt 1 paid nothing; attempt 2 once


def test_unsigned_or_foreign_requests_are_refused_and_unknown_ids_are_404(stack: RunningStack) -> None:
    assert ask(stack, REFUSED, key=None)[0] == 403
    assert ask(stack, REFUSED, key="AKIAFOREIGN")[0] == 403
    assert ask(stack, "nobody")[0] == 404
