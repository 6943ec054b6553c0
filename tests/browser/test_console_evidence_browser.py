"""The case page's evidence in Debian's chromium on the local stack (issue 23): the field-by-field table, the image
toolbars (zoom, rotate, reset as CSS transforms, open full size), and the e-mails a decision and a four-eyes proposal
send through SNS to the outbox, once each, with no personal value in them, in any address or in any log line."""

from __future__ import annotations

import email
import email.policy
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from kyc import bootstrap
from kyc.adapters import aws
from kyc.adapters.dynamodb import DynamoApplications
from kyc.document_checks import assess_license
from kyc.model import Check, CheckResult, FieldReading, IdDocument, Outcome, Reason, Status
from kyc.ports import Claim
from kyc.settings import get_settings

from kyc_local.stack import LocalStack, StackOptions
from tests.browser.test_console_browser import ARTIFACTS, CHROMIUM, sign_in, wait_until
from tests.browser.test_console_browser import browser as browser  # noqa: PLC0414 (the fixture)
from tests.hostile.support import log_lines
from tests.support.bundles import APPLICANT
from tests.support.leaks import leaks, personal_values

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="make chromium installs Debian's chromium")
SAMPLE = Path(__file__).resolve().parents[2] / "UnitTests" / "8d247914.zip"  # a real selfie and licence card
LICENCE = {  # what AnalyzeID read: the ZIP differs, the address is below the confidence floor
    **{field: FieldReading(value.upper(), 97.0) for field, value in APPLICANT.items()},
    "ZIP_CODE_IN_ADDRESS": FieldReading("95816-2210", 95.0),
    "DATE_OF_BIRTH": FieldReading(APPLICANT["DATE_OF_BIRTH"], 93.0, "1986-04-09"),
    "ADDRESS": FieldReading("1500 CAPITOL MALL SACRAMENTO", 31.5),
    "EXPIRATION_DATE": FieldReading("04/09/2031", 91.0, "2031-04-09"),
}


def cold_start() -> None:
    """Forget what the handlers cached in this process (settings, clients, dependencies): another module's stack,
    its user pool and client id, ran before or runs after this one."""
    get_settings.cache_clear()
    aws.client.cache_clear()
    for builder in vars(bootstrap).values():
        if callable(getattr(builder, "cache_clear", None)):
            builder.cache_clear()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    cold_start()
    try:
        with LocalStack(StackOptions(workdir=tmp_path_factory.mktemp("kyc"))) as running:
            yield running
    finally:
        cold_start()


def seed(stack: LocalStack, app_uuid: str) -> CheckResult:
    """A case in REVIEW whose details check ran on the real rules, with the sample bundle's selfie and licence."""
    applications = DynamoApplications(stack.resource("CustomerMetadataTable"), stack.client("dynamodb"))
    now = datetime.now(UTC) - timedelta(hours=3)
    applications.claim(Claim(app_uuid, "e1", now, now, now + timedelta(days=30), details=dict(APPLICANT)))
    details = assess_license(APPLICANT, IdDocument(LICENCE), date.today(), 18, 50.0)
    face = CheckResult(Check.FACE, Outcome.UNDECIDED, (Reason.FACE_UNCERTAIN,), {"similarity": 91.4})
    for result in (face, details):
        assert applications.record_result(app_uuid, "e1", result, now)
    assert applications.settle(app_uuid, Status.REVIEW, (Reason.FACE_UNCERTAIN, *details.reasons), now, etag="e1")
    bucket, s3 = stack.resource("DocumentBucket"), stack.client("s3")
    with zipfile.ZipFile(SAMPLE) as bundle:
        for member in ("selfie", "license"):
            body = bundle.read(f"8d247914_{member}.png")
            s3.put_object(Bucket=bucket, Key=f"unzipped/{app_uuid}_{member}.png", Body=body, ContentType="image/png")
    return details


def take(page, app_uuid: str) -> None:
    page.click(f"a[href='/console/cases/{app_uuid}']")
    page.wait_for_selector("table#fields")
    if page.locator("form[action$='/assign']").count():  # a waiting case is acted on by its assignee
        page.click("form[action$='/assign'] button")
        page.wait_for_selector("text=Assigned to you.")


def mails(stack: LocalStack, app_uuid: str, check: str) -> list[email.message.EmailMessage]:
    assert stack.settle()
    found = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in stack.outbox.files]
    return [m for m in found if m["X-SNS-Attribute-app_uuid"] == app_uuid and m["X-SNS-Attribute-check"] == check]


def cells(page, field: str) -> list[str]:
    row = page.locator("table#fields tbody tr", has=page.locator(f"td:text-is('{field}')"))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_the_case_page_shows_the_values_the_images_turn_and_zoom_and_a_decision_mails_staff_once(
    stack, browser
):
    details = seed(stack, "case0201")
    seed(stack, "case0202")
    values = personal_values(APPLICANT, details)
    url = stack.api_urls["ConsoleApi"]

    with log_lines("DEBUG") as logs:
        page, seen = sign_in(browser, url, "rita")
        take(page, "case0201")
        loaded = "img => img.complete && img.naturalWidth > 0"
        wait_until(lambda: all(page.locator(image).evaluate(loaded) for image in ("#selfie", "#licence")))

        assert cells(page, "ZIP_CODE_IN_ADDRESS") == ["ZIP_CODE_IN_ADDRESS", "95814", "95816-2210", "95814", "95816",
                                                      "mismatch", "zip5", "95.0"]
        assert cells(page, "ADDRESS") == ["ADDRESS", "1500 Capitol Mall", "1500 CAPITOL MALL SACRAMENTO", "—", "—",
                                          "unreadable", "below_confidence_floor", "31.5"]
        last_name = cells(page, "LAST_NAME")
        assert last_name[1:3] == ["Quintanilla-Ørsted", "QUINTANILLA-ØRSTED"] and last_name[3] == last_name[4]

        licence, selfie = page.locator("#licence"), page.locator("#selfie")
        style = "img => img.style.transform"
        computed = "img => getComputedStyle(img).transform"
        wide = licence.bounding_box()
        assert wide["width"] > wide["height"] and licence.evaluate(computed) == "none"
        page.click("button[data-image=licence][data-view=zoom-in]")
        page.click("button[data-image=licence][data-view=rotate]")
        assert licence.evaluate(style) == "translate(0px, 0px) rotate(90deg) scale(1.25)"
        # turned and zoomed as rendered (once the transition has run): the box is the card's width by 1.25, upright
        wait_until(lambda: abs(licence.bounding_box()["height"] - wide["width"] * 1.25) < 2)
        box = licence.bounding_box()  # drag to pan the zoomed image
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 + 10, steps=4)
        page.mouse.up()
        assert licence.evaluate(style).startswith("translate(40px, 10px) rotate(90deg)")
        assert selfie.evaluate(style) == ""  # each image has its own view
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "case-evidence-turned.png"), full_page=True)
        page.click("button[data-image=licence][data-view=reset]")
        wait_until(lambda: licence.evaluate(computed) == "none")
        assert page.get_attribute("a[data-full=licence]", "href") == licence.get_attribute("src")
        page.screenshot(path=str(ARTIFACTS / "case-evidence.png"), full_page=True)

        page.select_option("form[action$='/reject'] select[name=reason]", "DETAILS_MISMATCH")
        answers: list[int] = []
        page.on("response", lambda response: response.url.endswith("/reject") and answers.append(response.status))
        page.dblclick("form[action$='/reject'] button")  # a double click: two requests, one decision
        for _ in range(100):  # the sync API delivers events while it waits
            if len(answers) == 2:
                break
            page.wait_for_timeout(100)
        assert sorted(answers) == [200, 409]
        applications = DynamoApplications(stack.resource("CustomerMetadataTable"), stack.client("dynamodb"))
        assert applications.read("case0201").status is Status.REJECTED
        page.click("a[data-nav][href='/console/queue']")
        page.wait_for_selector("table#queue")
        take(page, "case0202")
        page.click("form[action$='/approve'] button")  # over the failed details check: a four-eyes proposal
        page.wait_for_selector("#pending")
        [decided] = mails(stack, "case0201", "STAFF_DECISION")
        [proposed] = mails(stack, "case0202", "FOUR_EYES")

    assert decided["Subject"] == "Staff decision REJECTED – case0201"
    text = decided.get_content()
    assert "Decision: REJECTED\nDecided by: a reviewer\nReason codes: DETAILS_MISMATCH\n" in text
    assert f"Review console: {url}/console#/console/cases/case0201\n" in text  # the console this request reached
    assert proposed["Subject"] == "Four-eyes confirmation WAITING (APPROVED) – case0202"
    assert proposed["X-SNS-Attribute-audience"] == "senior"
    assert logs.getvalue()  # the capture saw the console's log lines
    everything = [decided.as_string(), proposed.as_string(), logs.getvalue(), *seen]
    assert leaks("\n".join(everything), values) == []
