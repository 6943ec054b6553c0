"""The case page's evidence (issue 23) through ConsoleFunction with in-memory ports: the field-by-field table with the
application's value, the licence's as read and the forms compared; the image toolbars; staff told of each decision
exactly once; and no personal value in any response, address, header, log line, metric or message but the case page.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from kyc import bootstrap
from kyc.document_checks import assess_license
from kyc.model import (
    Check,
    CheckResult,
    FieldReading,
    IdDocument,
    Outcome,
    Reason,
    ServiceFailure,
    Status,
)
from kyc.observability import metrics
from kyc.ports import Claim
from kyc.services.review import ReviewDeps

from tests.hostile.support import log_lines
from tests.support.leaks import leaks
from tests.support.leaks import personal_values as leak_values
from tests.unit.test_console import AUDITOR, REVIEWER, SENIOR, SENIOR2, call, console
from tests.unit.test_console import deps as console_deps  # noqa: F401 (a fixture)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
APPLICATION = {  # every value unique and searchable
    "FIRST_NAME": "Qzappfirst",
    "LAST_NAME": "Qzapplást",
    "CITY_IN_ADDRESS": "Qzappcity Springs",
    "ZIP_CODE_IN_ADDRESS": "97531-8642",
    "STATE_IN_ADDRESS": "California",
    "DOCUMENT_NUMBER": "q731-6429",
    "DATE_OF_BIRTH": "02/29/1964",
    "ADDRESS": "4417 Qzappstreet Avenue Apt 9",
}
LICENCE = {  # what the licence says: every field but the first name differs
    "FIRST_NAME": FieldReading("QZAPPFIRST", 98.0),
    "LAST_NAME": FieldReading("QZLICLAST", 97.0),
    "CITY_IN_ADDRESS": FieldReading("QZLICCITY", 96.0),
    "ZIP_CODE_IN_ADDRESS": FieldReading("86420-1357", 95.0),
    "STATE_IN_ADDRESS": FieldReading("NEVADA", 99.0),
    "DOCUMENT_NUMBER": FieldReading("Z9081726", 94.0),
    "DATE_OF_BIRTH": FieldReading("11/23/1958", 93.0, "1958-11-23"),
    "ADDRESS": FieldReading("99 QZLICSTREET BLVD", 30.0),  # below the confidence floor: unreadable, still shown
    "EXPIRATION_DATE": FieldReading("04/09/2031", 91.0, "2031-04-09"),
}


@pytest.fixture
def deps(console_deps, monkeypatch):  # noqa: F811 (the fixture imported above)
    """test_console's in-memory dependencies, with the console's URL configured."""
    deps = replace(console_deps, console_url="https://console.example/console")
    monkeypatch.setattr(bootstrap, "console_dependencies", lambda: deps)
    return deps


def seed(deps: ReviewDeps, app_uuid: str = "app1", application: dict[str, str] = APPLICATION,
         assignee: str = "rita") -> CheckResult:
    """A case in REVIEW, assigned, whose details check ran on the real rules (the forms are the rules' own)."""
    claim = Claim(app_uuid, "e1", T0, T0, T0 + timedelta(days=30), details=dict(application))
    deps.applications.claim(claim)
    details = assess_license(application, IdDocument(LICENCE), date(2026, 12, 1), 18, 50.0)
    face = CheckResult(Check.FACE, Outcome.UNDECIDED, (Reason.FACE_UNCERTAIN,), {"similarity": 88.25})
    for result in (face, details):
        assert deps.applications.record_result(app_uuid, "e1", result, T0)
    assert deps.applications.settle(app_uuid, Status.REVIEW, (Reason.FACE_UNCERTAIN,), T0, etag="e1")
    assert deps.applications.assign(app_uuid, "review", assignee, None)
    return details


def personal_values(details: CheckResult) -> list[str]:
    return leak_values(APPLICATION, details)


ADDRESSES = re.compile(r'(?:href|src|action)="([^"]*)"')


def test_the_case_page_shows_each_fields_values_forms_verdict_rule_and_confidence(deps):
    seed(deps)
    body = call("GET", "/console/cases/app1", REVIEWER)["body"]
    table = body[body.index('<table id="fields">'):body.index("</table>", body.index('<table id="fields">'))]
    assert ('<tr class="match"><td>FIRST_NAME</td><td class="value">Qzappfirst</td><td class="value">QZAPPFIRST</td>'
            '<td class="form">qzappfirst</td><td class="form">qzappfirst</td><td>match</td><td>name</td>'
            '<td class="number">98.0</td></tr>') in table
    assert ('<tr class="mismatch"><td>DATE_OF_BIRTH</td><td class="value">02/29/1964</td><td class="value">'
            '11/23/1958</td><td class="form">1964-02-29</td><td class="form">1958-11-23</td><td>mismatch</td>'
            '<td>date</td>') in table
    assert '<td class="form">CA</td><td class="form">NV</td>' in table  # the state's full names mapped to codes
    assert ('<tr class="unreadable"><td>ADDRESS</td><td class="value">4417 Qzappstreet Avenue Apt 9</td>'
            '<td class="value">99 QZLICSTREET BLVD</td><td class="form">—</td><td class="form">—</td><td>unreadable'
            '</td><td>below_confidence_floor</td><td class="number">30.0</td></tr>') in table
    assert "Qzapplást" in table  # escaped text, as written


def test_a_value_is_escaped_on_the_page(deps):
    seed(deps, application={**APPLICATION, "LAST_NAME": '<img src=x onerror="alert(1)">'})
    body = call("GET", "/console/cases/app1", REVIEWER)["body"]
    assert "<img src=x" not in body and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_each_image_has_its_toolbar_and_a_link_to_the_full_size_image(deps):
    seed(deps)
    body = call("GET", "/console/cases/app1", REVIEWER)["body"]
    for image in ("selfie", "licence"):
        for view in ("zoom-in", "zoom-out", "rotate", "reset"):
            assert f'<button type="button" data-view="{view}" data-image="{image}"' in body
    assert ('<a href="https://bucket.s3.example/unzipped/app1_selfie.png?X-Amz-Expires=240" target="_blank" '
            'rel="noopener noreferrer" data-full="selfie">Open full size</a>') in body
    assert " style=" not in body and "<script>" not in body  # the CSP: no inline style or script


def test_a_decision_tells_staff_once_with_the_app_id_decision_and_role_only(deps):
    details = seed(deps)
    first = call("POST", "/console/cases/app1/reject", REVIEWER, {"seen": "REVIEW", "reason": "DETAILS_MISMATCH",
                                                                  "note": "Qzappfirst looks fine"})
    again = call("POST", "/console/cases/app1/reject", REVIEWER, {"seen": "REVIEW", "reason": "DETAILS_MISMATCH"})
    assert (first["statusCode"], again["statusCode"]) == (200, 409)  # the double click: refused, nothing sent
    [(subject, body, attributes)] = deps.notifier.messages
    assert subject == "Staff decision REJECTED – app1"
    assert attributes == {"app_uuid": "app1", "check": "STAFF_DECISION", "outcome": "REJECTED"}
    assert "Decision: REJECTED\nDecided by: a reviewer\nReason codes: DETAILS_MISMATCH\n" in body
    assert "Review console: https://console.example/console#/console/cases/app1\n" in body
    assert "rita" not in body + subject and leaks(body + subject, personal_values(details)) == []


def test_a_proposal_tells_seniors_a_confirmation_waits_and_the_confirmation_tells_staff_once(deps):
    seed(deps)
    deps.applications.record_result("app1", "e1", CheckResult(Check.VALIDATION, Outcome.FAIL), T0)
    call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "REVIEW"})  # over a failed check: four-eyes
    [(subject, body, attributes)] = deps.notifier.messages
    assert subject == "Four-eyes confirmation WAITING (APPROVED) – app1"
    assert attributes == {"app_uuid": "app1", "check": "FOUR_EYES", "outcome": "PENDING", "audience": "senior"}
    assert "Proposed decision: APPROVED\nProposed by: a reviewer\n" in body

    assert call("POST", "/console/cases/app1/confirm", SENIOR, {})["statusCode"] == 200
    assert call("POST", "/console/cases/app1/confirm", SENIOR2, {})["statusCode"] == 409  # confirmed already
    assert call("POST", "/console/cases/app1/approve", SENIOR, {"seen": "REVIEW"})["statusCode"] == 409
    assert [m[0] for m in deps.notifier.messages] == ["Four-eyes confirmation WAITING (APPROVED) – app1",
                                                      "Staff decision APPROVED – app1"]
    confirmed = deps.notifier.messages[1][1]
    assert "Decided by: a senior, confirming another member of staff's proposal (four-eyes)" in confirmed


def test_no_message_when_the_write_is_refused_or_the_caller_may_not_act(deps):
    seed(deps)
    call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "APPROVED"})  # the case as it no longer is
    call("POST", "/console/cases/app1/approve", AUDITOR, {"seen": "REVIEW"})
    call("POST", "/console/cases/app1/comment", REVIEWER, {"note": "looked"})
    assert deps.notifier.messages == []


class FailingNotifier:
    def publish(self, subject: str, body: str, attributes: dict[str, str]) -> None:
        raise ServiceFailure("sns", "KMSThrottlingException")


def test_a_failed_e_mail_leaves_the_decision_standing_and_says_so_in_the_timeline(deps, monkeypatch):
    seed(deps)
    failing = replace(deps, notifier=FailingNotifier())
    monkeypatch.setattr(bootstrap, "console_dependencies", lambda: failing)
    page = call("POST", "/console/cases/app1/reject", REVIEWER, {"seen": "REVIEW", "reason": "DETAILS_MISMATCH"})
    assert page["statusCode"] == 200 and deps.applications.read("app1").status is Status.REJECTED
    assert "<b>system</b> notification_failed <q>STAFF_DECISION e-mail not sent</q>" in page["body"]


def test_without_a_configured_url_the_e_mail_links_the_console_the_request_reached(deps, monkeypatch):
    seed(deps)
    monkeypatch.setattr(bootstrap, "console_dependencies", lambda: replace(deps, console_url=None))
    handler = console.lambda_handler

    def through_api_gateway(event, context):  # API Gateway names the domain the request reached
        event["requestContext"]["domainName"] = "abc123.execute-api.eu-west-1.amazonaws.com"
        return handler(event, context)

    monkeypatch.setattr(console, "lambda_handler", through_api_gateway)
    call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "REVIEW"})
    assert "Review console: https://abc123.execute-api.eu-west-1.amazonaws.com/console#/console/cases/app1\n" in (
        deps.notifier.messages[0][1])


def test_no_response_address_header_log_line_metric_or_message_carries_a_personal_value_but_the_case_page(
    deps, capsys, caplog
):
    """Every route, every role, the errors too. The case page must show the values (else the test proves nothing);
    nothing else may: not the queue, the trail exports, the other pages, any header, any address in any page (links,
    images, forms), any log line (captured at DEBUG), the metrics or the e-mails."""
    details = seed(deps)
    seed(deps, "app2", assignee="sam")
    values = personal_values(details)
    caplog.set_level(logging.DEBUG)
    pages, others = [], []
    with log_lines("DEBUG") as logs:
        pages += [call("GET", "/console/cases/app1", REVIEWER), call("GET", "/console/cases/app1", AUDITOR),
                  call("POST", "/console/cases/app1/comment", REVIEWER, {"note": "seen"}),
                  call("POST", "/console/cases/app1/reject", REVIEWER,
                       {"seen": "REVIEW", "reason": "DETAILS_MISMATCH"}),
                  call("POST", "/console/cases/app2/resubmit", SENIOR, {"seen": "REVIEW", "message": "New selfie."})]
        others += [call("GET", "/console"), call("GET", "/console/static/console.js"),
                   call("POST", "/console/next", REVIEWER, {}),  # both cases are assigned: none to take
                   call("GET", "/console/queue", REVIEWER), call("GET", "/console/queue", AUDITOR),
                   call("GET", "/console/cases/app1/trail/json", AUDITOR),
                   call("GET", "/console/cases/app1/trail/csv", REVIEWER),
                   call("POST", "/console/cases/app1/reject", REVIEWER, {"seen": "REVIEW", "reason": "UNDERAGE"}),
                   call("POST", "/console/cases/app1/approve", AUDITOR, {"seen": "REJECTED"}),
                   call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "REVIEW", "csrf": "forged"}),
                   call("GET", "/console/cases/nobody", REVIEWER), call("GET", "/console/cases/app1")]
        metrics.flush_metrics()
    printed = capsys.readouterr()

    for page in pages:
        assert page["statusCode"] == 200 and set(leaks(page["body"], values)) == set(values)  # shown, every one
        assert leaks(" ".join(ADDRESSES.findall(page["body"])), values) == []
    assert [response["statusCode"] for response in others] == [200] * 7 + [409, 403, 403, 404, 401]
    seen = [json.dumps(response["headers"]) for response in pages] + [json.dumps(response) for response in others]
    seen += [logs.getvalue(), caplog.text, printed.out, printed.err, json.dumps(deps.notifier.messages)]
    assert logs.getvalue() and deps.notifier.messages and "StaffNotificationFailed" not in printed.out
    assert leaks("\n".join(seen), values) == []


@pytest.mark.parametrize("leak", ["QZLICLAST", "qzliclast", "8642", "1958-11-23", "z9081726", "Qzapplast"])
def test_the_leak_check_finds_values_in_their_forms(leak):
    values = personal_values(assess_license(APPLICATION, IdDocument(LICENCE), date(2026, 12, 1), 18, 50.0))
    found = leaks(f'{{"message": "x", "value": "{leak}"}}', values)
    assert found if leak != "8642" else not found  # a part of a ZIP alone is no value
