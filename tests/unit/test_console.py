"""ConsoleFunction with the in-memory application record and audit trail: roles on every route, CSRF on every POST,
decisions exactly once, four-eyes by a second senior, every view in the trail, no applicant value in any response."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from kyc import bootstrap, console_session
from kyc.adapters.memory import MemoryApplications, MemoryAuditTrail, MemoryQueueSettings
from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.ports import Claim
from kyc.services.review import ReviewDeps

from tests.support.bundles import APPLICANT
from tests.support.fakes import RecordingNotifier
from tests.support.handlers import LambdaContext, handler_module

console = handler_module("console")
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FIELDS = {"FIRST_NAME": {"match": True, "rule": "name", "confidence": 98.0},
          "ZIP_CODE_IN_ADDRESS": {"match": False, "rule": "zip5", "confidence": 97.0},
          "ADDRESS": {"match": None, "rule": "address", "confidence": 20.0}}


class Presigner:
    def url(self, key: str, seconds: int) -> str:
        assert seconds <= 300
        return f"https://bucket.s3.example/{key}?X-Amz-Expires={seconds}"


@pytest.fixture
def deps(monkeypatch):
    deps = ReviewDeps(MemoryApplications(), MemoryAuditTrail(), Presigner(), (70.0, 97.5), RecordingNotifier(),
                      queue_settings=MemoryQueueSettings())
    monkeypatch.setattr(bootstrap, "console_dependencies", lambda: deps)
    monkeypatch.setenv("CONSOLE_CLIENT_ID", "client1")
    return deps


def case(deps, app_uuid="app1", failed_details=False, status=Status.REVIEW, assignee="rita"):
    """A case settled in `status`; waiting in the review queue (REVIEW, ERROR), assigned to `assignee`."""
    claim = Claim(app_uuid, "e1", T0, T0, T0 + timedelta(days=30), details=dict(APPLICANT))
    deps.applications.claim(claim)
    face = CheckResult(Check.FACE, Outcome.UNDECIDED, (Reason.FACE_UNCERTAIN,), {"similarity": 88.25})
    outcome = Outcome.FAIL if failed_details else Outcome.PASS
    details = CheckResult(Check.DETAILS, outcome, (), {"fields": FIELDS})
    for result in (face, details):
        assert deps.applications.record_result(app_uuid, "e1", result, T0)
    assert deps.applications.settle(app_uuid, status, (Reason.FACE_UNCERTAIN,), T0, etag="e1")
    if assignee is not None and deps.applications.read(app_uuid).queue is not None:
        assert deps.applications.assign(app_uuid, "review", assignee, None)


def claims_of(user, *groups):
    return {"cognito:username": user, "cognito:groups": f"[{' '.join(groups)}]", "jti": f"jti-{user}"}


def call(method, path, claims=None, form=None, query=None):
    event = {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": urlencode(query or {}),
        "headers": {"content-type": "application/x-www-form-urlencoded"},
        "requestContext": {"http": {"method": method, "path": path, "sourceIp": "127.0.0.1"}, "stage": "$default",
                           "requestId": "r1", "routeKey": f"{method} {path}"},
        "isBase64Encoded": False,
    }
    if claims:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if query:
        event["queryStringParameters"] = query
    if form is not None:
        sent = {"csrf": console_session.csrf_token(claims) if claims else "", **form}
        event["body"] = urlencode(sent)
    return console.lambda_handler(event, LambdaContext())


REVIEWER, SENIOR, SENIOR2, AUDITOR = (claims_of("rita", "reviewer"), claims_of("sam", "senior"),
                                      claims_of("sue", "senior"), claims_of("al", "auditor"))


def test_a_reviewer_sees_the_queue_and_the_case_with_its_evidence(deps):
    case(deps, "app2")
    response = call("GET", "/console/queue", REVIEWER)
    assert response["statusCode"] == 200 and 'href="/console/cases/app2"' in response["body"]
    page = call("GET", "/console/cases/app2", REVIEWER)
    body = page["body"]
    assert 'src="https://bucket.s3.example/unzipped/app2_selfie.png?X-Amz-Expires=240"' in body
    assert "unzipped/app2_license.png" in body
    assert "<b>88.2</b> REVIEW band (fail below 70, pass at 97.5)" in body
    assert '<tr class="mismatch"><td>ZIP_CODE_IN_ADDRESS</td><td class="value">95814</td>' in body
    assert '<tr class="unreadable"><td>ADDRESS</td>' in body
    csp = page["headers"]["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "img-src 'self' https://bucket.s3.example;" in csp
    assert "unsafe-inline" not in csp and page["headers"]["Cache-Control"] == "no-store"
    assert [(e.actor, e.action) for e in deps.trail.events("app2")] == [("rita", "viewed")]


def test_no_route_but_the_shell_answers_without_a_verified_token(deps):
    assert call("GET", "/console")["statusCode"] == 200
    assert call("GET", "/console/queue")["statusCode"] == 401
    assert call("POST", "/console/cases/app1/approve", form={"seen": "REVIEW"})["statusCode"] == 401


def test_every_post_needs_the_csrf_token_of_the_signed_in_token(deps):
    case(deps)
    forged = call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "REVIEW", "csrf": "guess"})
    other = call("POST", "/console/cases/app1/approve", REVIEWER,
                 {"seen": "REVIEW", "csrf": console_session.csrf_token(SENIOR)})
    assert forged["statusCode"] == other["statusCode"] == 403
    assert deps.applications.read("app1").status is Status.REVIEW


def test_a_decision_is_made_once_and_shown_in_the_timeline(deps):
    case(deps)
    first = call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "REVIEW", "note": "face fine by eye"})
    again = call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "REVIEW"})
    assert first["statusCode"] == 200 and "Decision recorded." in first["body"]
    assert again["statusCode"] == 409
    assert deps.applications.read("app1").status is Status.APPROVED
    actions = [(e.action, e.old, e.new) for e in deps.trail.events("app1")]
    assert ("approve", "REVIEW", "APPROVED") in actions and actions.count(("approve", "REVIEW", "APPROVED")) == 1


def test_a_rejection_needs_a_listed_reason_and_a_resubmission_a_message(deps):
    case(deps)
    assert call("POST", "/console/cases/app1/reject", REVIEWER, {"seen": "REVIEW", "reason": "NOPE"})["statusCode"] == 409
    assert call("POST", "/console/cases/app1/resubmit", REVIEWER, {"seen": "REVIEW"})["statusCode"] == 409
    asked = call("POST", "/console/cases/app1/resubmit", REVIEWER, {"seen": "REVIEW", "message": "Retake the selfie."})
    assert asked["statusCode"] == 200
    record = deps.applications.read("app1")
    assert (record.status, record.applicant_message) == (Status.RESUBMISSION_REQUESTED, "Retake the selfie.")


def test_four_eyes_approving_over_a_failed_check_needs_another_senior(deps):
    case(deps, failed_details=True, assignee="sam")
    proposed = call("POST", "/console/cases/app1/approve", SENIOR, {"seen": "REVIEW"})
    assert "Proposed: a senior must confirm it." in proposed["body"]
    assert deps.applications.read("app1").status is Status.REVIEW
    assert call("POST", "/console/cases/app1/confirm", SENIOR, {})["statusCode"] == 409  # own proposal
    assert call("POST", "/console/cases/app1/confirm", REVIEWER, {})["statusCode"] == 403  # not a senior
    assert 'action="/console/cases/app1/confirm"' in call("GET", "/console/cases/app1", SENIOR2)["body"]
    assert call("POST", "/console/cases/app1/confirm", SENIOR2, {})["statusCode"] == 200
    assert deps.applications.read("app1").status is Status.APPROVED
    assert [(e.actor, e.action) for e in deps.trail.events("app1") if e.action != "viewed"] == [
        ("sam", "proposed"), ("sue", "confirmed")]


def test_an_auditor_reads_but_cannot_act(deps):
    case(deps)
    page = call("GET", "/console/cases/app1", AUDITOR)
    assert page["statusCode"] == 200 and 'id="readonly"' in page["body"] and "<form" not in page["body"]
    for action, form in [("approve", {"seen": "REVIEW"}), ("comment", {"note": "x"}), ("confirm", {})]:
        assert call("POST", f"/console/cases/app1/{action}", AUDITOR, form)["statusCode"] == 403
    assert call("POST", "/console/next", AUDITOR, {})["statusCode"] == 403
    assert deps.applications.read("app1").status is Status.REVIEW


def test_an_auditor_exports_the_trail_as_json_and_csv_and_the_export_is_itself_an_event(deps):
    case(deps)
    call("GET", "/console/cases/app1", REVIEWER)
    call("POST", "/console/cases/app1/comment", REVIEWER, {"note": "=HYPERLINK(\"http://x\")"})

    as_json = call("GET", "/console/cases/app1/trail/json", AUDITOR)
    as_csv = call("GET", "/console/cases/app1/trail/csv", AUDITOR)

    assert as_json["statusCode"] == 200 and as_json["headers"]["Content-Type"] == "application/json"
    assert as_json["headers"]["Content-Disposition"] == 'attachment; filename="app1-trail.json"'
    events = json.loads(as_json["body"])["events"]
    assert [(e["sequence"], e["actor"], e["action"]) for e in events][:3] == [
        (1, "rita", "viewed"), (2, "rita", "commented"), (3, "rita", "viewed")]
    assert events[-1]["action"] == "exported" and events[-1]["actor"] == "al"
    rows = as_csv["body"].splitlines()
    assert rows[0] == "sequence,at,actor,action,old,new,note"
    assert "'=HYPERLINK" in as_csv["body"] and ",=HYPERLINK" not in as_csv["body"]  # no formula for a spreadsheet
    assert rows[-1].split(",")[2:4] == ["al", "exported"]
    assert [value for value in APPLICANT.values() if len(value) > 3 and value in as_json["body"] + as_csv["body"]] == []


def test_a_trail_export_needs_a_signed_in_user_a_known_case_and_a_known_form(deps):
    case(deps)
    assert call("GET", "/console/cases/app1/trail/json")["statusCode"] == 401
    assert call("GET", "/console/cases/nobody/trail/json", AUDITOR)["statusCode"] == 404
    assert call("GET", "/console/cases/app1/trail/xlsx", AUDITOR)["statusCode"] == 404


def test_a_check_that_ended_in_error_is_rerun_from_its_button_once(deps, monkeypatch):
    """The button shows for an ERROR case's errored check only; the re-run pays for that check once, then the case
    carries on (here: awaiting its licence, queued); a second click is refused."""
    from dataclasses import replace

    from kyc.services.rerun import RerunDeps
    from kyc.settings import Settings

    from tests.support.bundles import license_fields
    from tests.support.fakes import FakeFaces, FakeIdReader, MemoryStore, RecordingQueue

    faces, reader, queue = FakeFaces(), FakeIdReader(license_fields()), RecordingQueue()
    run = RerunDeps(MemoryStore(), faces, reader, queue, Settings({"AWS_REGION": "us-east-1"}), lambda: T0)
    deps = replace(deps, rerun=lambda: run)
    monkeypatch.setattr(bootstrap, "console_dependencies", lambda: deps)
    deps.applications.claim(Claim("app1", "e1", T0, T0, T0 + timedelta(days=30), details=dict(APPLICANT)))
    deps.applications.record_result("app1", "e1", CheckResult(Check.FACE, Outcome.PASS, (), {"similarity": 99.0}), T0)
    errored = CheckResult(Check.DETAILS, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": "textract"})
    deps.applications.record_result("app1", "e1", errored, T0)
    deps.applications.settle("app1", Status.ERROR, (Reason.SERVICE_ERROR,), T0, etag="e1")
    deps.applications.assign("app1", "review", "rita", None)

    page = call("GET", "/console/cases/app1", REVIEWER)["body"]
    assert "Re-run DETAILS" in page and "Re-run FACE" not in page and 'name="check" value="DETAILS"' in page
    done = call("POST", "/console/cases/app1/rerun", REVIEWER, {"check": "DETAILS"})
    assert done["statusCode"] == 200 and "DETAILS re-run: the case is now AWAITING_LICENSE_VALIDATION" in done["body"]
    assert "Re-run" not in done["body"]
    again = call("POST", "/console/cases/app1/rerun", REVIEWER, {"check": "DETAILS"})
    assert again["statusCode"] == 409
    assert (len(faces.calls), len(reader.calls), len(queue.sent)) == (0, 1, 1)
    assert [e.action for e in deps.trail.events("app1") if e.action.startswith("rerun")] == ["rerun", "rerun_concluded"]


def test_an_error_case_without_an_errored_check_says_it_is_for_resubmission_only(deps):
    deps.applications.claim(Claim("app1", "e1", T0, T0, T0 + timedelta(days=30), details=dict(APPLICANT)))
    deps.applications.settle("app1", Status.ERROR, (Reason.PROCESSING_LIMIT,), T0, etag="e1")
    deps.applications.assign("app1", "review", "rita", None)
    page = call("GET", "/console/cases/app1", REVIEWER)["body"]
    assert 'id="rerun-none"' in page and "Re-run" not in page
    assert call("POST", "/console/cases/app1/rerun", REVIEWER, {"check": "DETAILS"})["statusCode"] == 409
    case(deps, "app2")  # REVIEW: neither
    page = call("GET", "/console/cases/app2", REVIEWER)["body"]
    assert "Re-run" not in page and "rerun-none" not in page
