"""The review console end to end in Debian's chromium (Playwright, never a downloaded browser), on the local stack:
Cognito from moto, the JWT authorizer's checks, the console function, DynamoDB and presigned S3 URLs."""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kyc.adapters.dynamodb import DynamoApplications
from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.ports import Claim

from kyc_local.console import DEMO_PASSWORD
from kyc_local.stack import LocalStack, StackOptions
from tests.support.bundles import APPLICANT, png

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="make chromium installs Debian's chromium")
FIELDS = {"FIRST_NAME": {"match": True, "rule": "name", "confidence": 98.0},
          "DOCUMENT_NUMBER": {"match": True, "rule": "document_number", "confidence": 99.0},
          "ZIP_CODE_IN_ADDRESS": {"match": False, "rule": "zip5", "confidence": 97.0}}
EVIDENCE = {  # what the licence says (the applicant's values: APPLICANT) and the forms compared
    "FIRST_NAME": {"licence_value": "ZELDA", "applicant_form": "zelda", "licence_form": "zelda"},
    "DOCUMENT_NUMBER": {"licence_value": "Y765 4321", "applicant_form": "Y7654321", "licence_form": "Y7654321"},
    "ZIP_CODE_IN_ADDRESS": {"licence_value": "95816-2210", "applicant_form": "95814", "licence_form": "95816"},
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with LocalStack(StackOptions(workdir=tmp_path_factory.mktemp("kyc"))) as running:
        yield running


def review_case(stack: LocalStack, app_uuid: str, details_outcome: Outcome = Outcome.PASS, hours_ago: int = 2) -> None:
    applications = DynamoApplications(stack.resource("CustomerMetadataTable"), stack.client("dynamodb"))
    now = datetime.now(UTC) - timedelta(hours=hours_ago)
    applications.claim(Claim(app_uuid, "e1", now, now, now + timedelta(days=30), details=dict(APPLICANT)))
    face = CheckResult(Check.FACE, Outcome.UNDECIDED, (Reason.FACE_UNCERTAIN,), {"similarity": 91.4})
    details = CheckResult(Check.DETAILS, details_outcome, (), {"fields": FIELDS}, EVIDENCE)
    for result in (face, details):
        assert applications.record_result(app_uuid, "e1", result, now)
    assert applications.settle(app_uuid, Status.REVIEW, (Reason.FACE_UNCERTAIN,), now, etag="e1")
    s3 = stack.client("s3")
    bucket = stack.resource("DocumentBucket")
    s3.put_object(Bucket=bucket, Key=f"unzipped/{app_uuid}_selfie.png", Body=png((200, 120, 90), (240, 300)))
    s3.put_object(Bucket=bucket, Key=f"unzipped/{app_uuid}_license.png", Body=png((90, 140, 210), (400, 250)))


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def sign_in(browser, url: str, user: str):
    page = browser.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(f"{url}/console")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form#signin button")
    page.wait_for_selector("table#queue")
    return page, seen


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_reviewer_signs_in_opens_a_case_with_its_evidence_and_decides(stack, browser):
    review_case(stack, "case0001")
    review_case(stack, "case0002", details_outcome=Outcome.FAIL)
    url = stack.api_urls["ConsoleApi"]
    page, seen = sign_in(browser, url, "rita")
    assert page.locator("a[href='/console/cases/case0001']").count() == 1

    page.click("a[href='/console/cases/case0001']")
    page.wait_for_selector("table#fields")
    assert page.locator("form[action$='/approve']").count() == 0  # only the case's assignee acts
    page.click("form[action$='/assign'] button")
    page.wait_for_selector("text=Assigned to you.")
    loaded = "img => img.complete && img.naturalWidth > 0"  # a function, not a string eval'd in the page (the CSP)
    wait_until(lambda: all(page.locator(image).evaluate(loaded) for image in ("#selfie", "#licence")))
    assert "ZIP_CODE_IN_ADDRESS" in page.inner_text("table#fields") and "91.4" in page.inner_text("#face")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)
    page.fill("form[action$='/approve'] input[name=note]", "face checked by eye")
    page.click("form[action$='/approve'] button")
    page.wait_for_selector("text=Decision recorded.")
    assert page.inner_text("#status") == "APPROVED"
    assert "rita approve REVIEW → APPROVED" in page.inner_text("#timeline")
    with page.expect_download() as exported:  # the audit trail, fetched with the token and saved by the browser
        page.click("#export a[href$='/trail/csv']")
    trail = Path(exported.value.path()).read_text(encoding="utf-8").splitlines()
    assert exported.value.suggested_filename == "case0001-trail.csv"
    assert trail[0] == "sequence,at,actor,action,old,new,note" and ",rita,exported,,,csv" in trail[-1]

    for url_seen in seen:  # no personal value in any address the browser used
        assert [value for value in APPLICANT.values() if len(value) > 3 and value in url_seen] == []


def test_without_a_verified_token_the_console_routes_answer_401(stack):
    import urllib.error
    import urllib.request

    url = stack.api_urls["ConsoleApi"]
    for headers in ({}, {"Authorization": "Bearer not.a.token"}):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(f"{url}/console/queue", headers=headers))
        assert refused.value.code == 401


def test_an_e_mails_link_opens_its_case_after_sign_in(stack, browser):
    review_case(stack, "case0009")
    url = stack.api_urls["ConsoleApi"]
    page = browser.new_page()
    page.goto(f"{url}/console#/console/cases/case0009")  # as the staff e-mails link a case
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form#signin button")
    page.wait_for_selector("table#fields")
    assert page.inner_text("h1") == "Case case0009"
    page.close()


def teardown_module() -> None:
    shutil.rmtree(ARTIFACTS / "tmp", ignore_errors=True)


def open_case(page, app_uuid: str) -> None:
    page.click(f"a[href='/console/cases/{app_uuid}']")
    page.wait_for_selector("table#fields")


def test_four_eyes_takes_a_second_senior_and_an_auditor_only_reads(stack, browser):
    review_case(stack, "case0003", details_outcome=Outcome.FAIL)  # approving over a failed check
    review_case(stack, "case0004")
    url = stack.api_urls["ConsoleApi"]

    rita, _ = sign_in(browser, url, "rita")
    open_case(rita, "case0003")
    rita.click("form[action$='/assign'] button")
    rita.wait_for_selector("text=Assigned to you.")
    rita.click("form[action$='/approve'] button")
    rita.wait_for_selector("#pending")
    assert rita.inner_text("#status") == "REVIEW" and rita.locator("form[action$='/confirm']").count() == 0

    sue, _ = sign_in(browser, url, "sue")  # another senior, in a browser context of her own
    open_case(sue, "case0003")
    sue.click("form[action$='/confirm'] button")
    sue.wait_for_selector("text=Decision confirmed.")
    assert sue.inner_text("#status") == "APPROVED"
    assert "sue confirm" in sue.inner_text("#timeline")

    al, _ = sign_in(browser, url, "al")  # an auditor: the case and its trail, no action
    open_case(al, "case0004")
    assert al.locator("#export a").count() == 2
    assert al.locator("form[action*='/console/cases/']").count() == 0

    sue.emulate_media(media="print")  # the printed case page is the case report: no controls, the evidence kept
    assert not sue.locator("header").is_visible() and not sue.locator("#print").is_visible()
    assert sue.locator("#selfie").is_visible() and sue.locator("table#fields").is_visible()
    assert sue.locator("#timeline").is_visible()
    sue.screenshot(path=str(ARTIFACTS / "case-report.png"), full_page=True)


def test_queue_filters_take_next_assignment_escalation_and_an_admins_sla(stack, browser):
    review_case(stack, "case0101", hours_ago=30)  # overdue against the review queue's 24 h
    review_case(stack, "case0102", hours_ago=29)
    url = stack.api_urls["ConsoleApi"]

    rita, seen = sign_in(browser, url, "rita")
    rita.check("#filters input[name=overdue]")
    rita.click("#filters button")
    rita.wait_for_selector("#filters input[name=overdue][checked]")  # the filtered page, as the server rendered it
    rows = rita.locator("table#queue tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == ["case0101", "case0102"]
    assert "late 6h" in rows.first.locator("td.sla").inner_text()
    rita.click("form[action='/console/next'] button")  # the longest waiting unassigned case, assigned to her
    rita.wait_for_selector("text=Case case0101")
    assert rita.inner_text("#assignee") == "rita" and "late 6h" in rita.inner_text("#sla")

    rob, _ = sign_in(browser, url, "rob")  # another reviewer: sees the case, cannot act on it nor take it
    open_case(rob, "case0101")
    assert rob.locator("#not-yours").count() == 1 and rob.locator("form[action^='/console/cases/']").count() == 0

    rita.fill("form[action$='/escalate'] input[name=note]", "the licence photo looks altered")
    rita.click("form[action$='/escalate'] button")
    rita.wait_for_selector("text=Escalated to the senior queue.")
    assert rita.inner_text("#queue-name") == "senior" and rita.inner_text("#assignee") == "unassigned"
    assert "left 7h" in rita.inner_text("#sla")  # the senior queue's 8 h, from the escalation
    assert rita.locator("form[action$='/assign']").count() == 0  # only seniors take from the senior queue

    sue, _ = sign_in(browser, url, "sue")  # a senior takes it from the senior queue
    sue.click("a[href='/console/queue?queue=senior']")
    sue.wait_for_selector("text=SLA of the senior queue")
    open_case(sue, "case0101")
    sue.click("form[action$='/assign'] button")
    sue.wait_for_selector("text=Assigned to you.")
    assert sue.inner_text("#assignee") == "sue" and sue.locator("form[action$='/approve']").count() == 1

    ada, _ = sign_in(browser, url, "ada")  # the admin sets the review queue's SLA to 48 h
    ada.click("a[href='/console/queues']")
    ada.wait_for_selector("form.sla")
    ada.fill("form.sla input[name=review]", "48")
    ada.click("form.sla button")
    ada.wait_for_selector("text=SLAs changed.")
    assert "ada" in ada.inner_text("table#slas tbody tr:first-child")
    rita.click("a[href='/console/queue']")
    rita.wait_for_selector("table#queue")
    rita.check("#filters input[name=overdue]")
    rita.click("#filters button")
    rita.wait_for_selector("#filters input[name=overdue][checked]")
    assert rita.locator("a[href='/console/cases/case0102']").count() == 0  # 29 h waited: no longer late
    assert any("overdue=1" in url_seen for url_seen in seen)
    for url_seen in seen:  # the filters' addresses carry statuses, reasons, user names and dates only
        assert [value for value in APPLICANT.values() if len(value) > 3 and value in url_seen] == []


def test_a_reviewer_reruns_a_check_that_failed_for_good_and_the_case_carries_on(stack, browser):
    """AnalyzeID down while the lab's passing bundle is checked: the case ends ERROR; once it is back, a reviewer
    re-runs the details check from its button, one more AnalyzeID call and no second CompareFaces, to APPROVED."""
    app_uuid = "8d247914"
    applications = DynamoApplications(stack.resource("CustomerMetadataTable"), stack.client("dynamodb"))
    stack.ready()
    stack.faults.outage("textract.AnalyzeID")
    body = (Path(__file__).resolve().parents[2] / "UnitTests" / f"{app_uuid}.zip").read_bytes()
    stack.client("s3").put_object(Bucket=stack.resource("DocumentBucket"), Key=f"zipped/{app_uuid}.zip", Body=body)
    wait_until(lambda: (record := applications.read(app_uuid)) is not None and record.status is Status.ERROR, 120)
    stack.faults.restore()

    rita, _ = sign_in(browser, stack.api_urls["ConsoleApi"], "rita")
    open_case(rita, app_uuid)
    rita.click("form[action$='/assign'] button")
    rita.wait_for_selector("text=Assigned to you.")
    assert rita.locator("form.rerun button").all_inner_texts() == ["Re-run DETAILS"]
    rita.click("form.rerun button")
    rita.wait_for_selector("text=DETAILS re-run: the case is now AWAITING_LICENSE_VALIDATION.")
    assert rita.locator("form.rerun").count() == 0
    assert "rita rerun ERROR → PROCESSING" in rita.inner_text("#timeline")
    wait_until(lambda: applications.read(app_uuid).status is Status.APPROVED, 60)
    assert stack.meter.applications()[app_uuid] == {"CompareFaces": 1, "AnalyzeID": 1}
