"""The console's queues through ConsoleFunction with the in-memory record: filters on GET /console/queue, SLAs
("left" / "late"), take next, assignment (only the assignee acts; a senior takes over), escalation to the senior
queue (only seniors take it), and an admin's SLA changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from kyc.adapters.memory import MemoryApplications
from kyc.model import Reason, Status
from kyc.ports import Claim

from tests.support.bundles import APPLICANT
from tests.unit import test_console
from tests.unit.test_console import AUDITOR, REVIEWER, SENIOR, call, claims_of, console

deps = test_console.deps  # the fixture: the in-memory record, trail and SLAs behind ConsoleFunction

RITA2 = claims_of("ray", "reviewer")
ADMIN = claims_of("ada", "admin")
NOW = datetime.now(UTC).replace(microsecond=0)


class Clock(datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(console, "datetime", Clock)  # the handler's "now": the moment the cases are waited from


def waiting(deps, app_uuid, hours_ago, status=Status.REVIEW, reason=Reason.FACE_UNCERTAIN, assignee=None):
    """A case that entered the review queue `hours_ago`."""
    at = NOW - timedelta(hours=hours_ago)
    deps.applications.claim(Claim(app_uuid, "e1", at, at, at + timedelta(days=30), details=dict(APPLICANT)))
    assert deps.applications.settle(app_uuid, status, (reason,), at, etag="e1")
    if assignee:
        assert deps.applications.assign(app_uuid, "review", assignee, None)


def listed(response) -> list[str]:
    assert response["statusCode"] == 200, response["body"]
    body = response["body"]
    return [part.split('"', 1)[0] for part in body.split('<a data-nav href="/console/cases/')[1:]]


def test_the_queue_lists_cases_longest_waiting_first_with_their_sla_and_assignee(deps):
    waiting(deps, "young", 2)
    waiting(deps, "old", 30, assignee="rita")
    waiting(deps, "err", 5, status=Status.ERROR, reason=Reason.SERVICE_ERROR)
    page = call("GET", "/console/queue", REVIEWER)
    assert listed(page) == ["old", "err", "young"]
    body = page["body"]
    assert '<td class="sla">late 6h 0m</td><td class="assignee">rita</td>' in body  # 30 h waited, SLA 24 h
    assert '<td class="sla">left 22h 0m</td><td class="assignee">—</td>' in body
    assert "SLA of the review queue: 24 h." in body and 'action="/console/next"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "ERROR"}, ["err"]),
        ({"reason": "SERVICE_ERROR"}, ["err"]),
        ({"assignee": "sam"}, ["mine"]),
        ({"mine": "1"}, ["old"]),  # rita's
        ({"unassigned": "1"}, ["err", "young"]),
        ({"overdue": "1"}, ["old"]),
        ({"overdue": "1", "unassigned": "1"}, []),
        ({"from": (NOW - timedelta(hours=5)).date().isoformat()}, None),  # checked below: by day
        ({"queue": "senior"}, []),
    ],
)
def test_the_queue_filters_by_status_reason_assignee_mine_unassigned_overdue_and_date(deps, query, expected):
    waiting(deps, "old", 30, assignee="rita")
    waiting(deps, "mine", 20, assignee="sam")
    waiting(deps, "err", 5, status=Status.ERROR, reason=Reason.SERVICE_ERROR)
    waiting(deps, "young", 2)
    found = listed(call("GET", "/console/queue", REVIEWER, query=query))
    if expected is None:
        day = query["from"]
        expected = [name for name, hours in (("old", 30), ("mine", 20), ("err", 5), ("young", 2))
                    if (NOW - timedelta(hours=hours)).date().isoformat() >= day]
    assert found == expected


def test_a_filter_value_that_is_not_one_is_refused(deps):
    for query in ({"status": "APPROVED"}, {"reason": "NOPE"}, {"assignee": "a b"}, {"from": "1/2/2026"},
                  {"queue": "vip"}):
        assert call("GET", "/console/queue", REVIEWER, query=query)["statusCode"] == 409


def test_take_next_assigns_the_oldest_unassigned_case_and_the_next_taker_gets_the_next(deps):
    waiting(deps, "a", 9, assignee="sam")
    waiting(deps, "b", 8)
    waiting(deps, "c", 7)
    first = call("POST", "/console/next", REVIEWER, {})
    assert first["statusCode"] == 200 and "<h1>Case b</h1>" in first["body"]
    assert '<dd id="assignee">rita</dd>' in first["body"] and 'action="/console/cases/b/approve"' in first["body"]
    assert "<h1>Case c</h1>" in call("POST", "/console/next", RITA2, {})["body"]
    assert "No case is waiting." in call("POST", "/console/next", REVIEWER, {})["body"]
    assert (deps.applications.read("b").assignee, deps.applications.read("c").assignee) == ("rita", "ray")
    assert next((e.actor, e.action, e.note) for e in deps.trail.events("b")) == ("rita", "assigned", "take next")


def test_take_next_passes_over_a_case_another_taker_won_first(deps):
    class Raced(MemoryApplications):
        def assign(self, app_uuid, queue, assignee, previous):
            if app_uuid == "b" and previous is None:  # someone else takes b between the list and the write
                super().assign(app_uuid, queue, "ray", None)
            return super().assign(app_uuid, queue, assignee, previous)

    raced = Raced()
    object.__setattr__(deps, "applications", raced)
    waiting(deps, "b", 8)
    waiting(deps, "c", 7)
    assert "<h1>Case c</h1>" in call("POST", "/console/next", REVIEWER, {})["body"]
    assert (raced.read("b").assignee, raced.read("c").assignee) == ("ray", "rita")


def test_only_the_assignee_acts_on_a_case_a_senior_takes_it_over_and_an_admin_releases_it(deps):
    waiting(deps, "app1", 3, assignee="rita")
    page = call("GET", "/console/cases/app1", RITA2)["body"]
    assert 'id="not-yours"' in page and 'action="/console/cases/app1/approve"' not in page
    assert 'action="/console/cases/app1/assign"' not in page  # a reviewer does not take over
    for action, form in [("approve", {"seen": "REVIEW"}), ("comment", {"note": "mine now"}),
                         ("escalate", {"note": "look"}), ("assign", {})]:
        assert call("POST", f"/console/cases/app1/{action}", RITA2, form)["statusCode"] == 409, action
    assert call("POST", "/console/cases/app1/release", RITA2, {})["statusCode"] == 403
    assert deps.applications.read("app1").status is Status.REVIEW

    took = call("POST", "/console/cases/app1/assign", SENIOR, {})
    assert took["statusCode"] == 200 and '<dd id="assignee">sam</dd>' in took["body"]
    assert call("POST", "/console/cases/app1/approve", REVIEWER, {"seen": "REVIEW"})["statusCode"] == 409
    assert call("POST", "/console/cases/app1/release", ADMIN, {})["statusCode"] == 200
    assert deps.applications.read("app1").assignee is None
    assert call("POST", "/console/cases/app1/assign", AUDITOR, {})["statusCode"] == 403
    assert call("POST", "/console/cases/app1/assign", RITA2, {})["statusCode"] == 200
    assert call("POST", "/console/cases/app1/approve", RITA2, {"seen": "REVIEW"})["statusCode"] == 200
    assert [(e.actor, e.action, e.note) for e in deps.trail.events("app1") if e.action in ("assigned", "released")] \
        == [("sam", "assigned", "taken over from rita"), ("ada", "released", "from sam"), ("ray", "assigned", "")]


def test_an_escalated_case_waits_unassigned_in_the_senior_queue_where_only_a_senior_takes_it(deps):
    waiting(deps, "app1", 20, assignee="rita")
    waiting(deps, "app2", 1)
    assert call("POST", "/console/cases/app1/escalate", REVIEWER, {"note": ""})["statusCode"] == 409
    done = call("POST", "/console/cases/app1/escalate", REVIEWER, {"note": "face looks altered"})
    assert done["statusCode"] == 200 and "Escalated to the senior queue." in done["body"]
    record = deps.applications.read("app1")
    assert (record.queue, record.assignee) == ("senior", None)
    assert '<dd id="sla">due ' in done["body"] and "(left 8h 0m)" in done["body"]  # senior SLA 8 h, anew
    assert listed(call("GET", "/console/queue", REVIEWER)) == ["app2"]
    assert listed(call("GET", "/console/queue", REVIEWER, query={"queue": "senior"})) == ["app1"]
    assert call("POST", "/console/cases/app1/assign", REVIEWER, {})["statusCode"] == 403
    assert "<h1>Case app2</h1>" in call("POST", "/console/next", REVIEWER, {})["body"]  # not the older app1
    assert "<h1>Case app1</h1>" in call("POST", "/console/next", SENIOR, {})["body"]
    assert call("POST", "/console/cases/app1/approve", SENIOR, {"seen": "REVIEW"})["statusCode"] == 200
    escalated = [e for e in deps.trail.events("app1") if e.action == "escalated"]
    assert [(e.actor, e.old, e.new, e.note) for e in escalated] == [("rita", "review", "senior", "face looks altered")]


def test_an_error_case_is_taken_and_decided_like_a_review_case(deps):
    waiting(deps, "app1", 1, status=Status.ERROR, reason=Reason.SERVICE_ERROR)
    assert call("POST", "/console/next", REVIEWER, {})["statusCode"] == 200
    rejected = call("POST", "/console/cases/app1/reject", REVIEWER, {"seen": "ERROR", "reason": "LICENSE_INVALID"})
    assert rejected["statusCode"] == 200 and deps.applications.read("app1").queue is None


def test_an_admin_changes_the_slas_over_the_version_seen_and_each_change_is_kept(deps):
    waiting(deps, "app1", 10)
    assert "(left 14h 0m)" in call("GET", "/console/cases/app1", REVIEWER)["body"]
    page = call("GET", "/console/queues", ADMIN)["body"]
    assert 'name="review" type="number" min="1" max="720" value="24"' in page and 'name="version" value="0"' in page
    assert call("POST", "/console/queues", REVIEWER, {"version": "0", "review": "4", "senior": "2"})["statusCode"] == 403
    assert call("POST", "/console/queues", ADMIN, {"version": "0", "review": "0", "senior": "2"})["statusCode"] == 409
    changed = call("POST", "/console/queues", ADMIN, {"version": "0", "review": "4", "senior": "2"})
    assert changed["statusCode"] == 200 and "SLAs changed." in changed["body"]
    assert call("POST", "/console/queues", ADMIN, {"version": "0", "review": "6", "senior": "2"})["statusCode"] == 409
    assert "<tr><td>1</td>" in changed["body"] and "<td>ada</td><td>4</td><td>2</td>" in changed["body"]
    assert "(late 6h 0m)" in call("GET", "/console/cases/app1", REVIEWER)["body"]
    assert listed(call("GET", "/console/queue", REVIEWER, query={"overdue": "1"})) == ["app1"]
    assert 'action="/console/queues"' not in call("GET", "/console/queues", AUDITOR)["body"]  # read only


def test_no_queue_page_or_address_carries_an_applicant_value(deps):
    waiting(deps, "app1", 3, assignee="rita")
    pages = [call("GET", "/console/queue", REVIEWER, query={"mine": "1", "status": "REVIEW"}),
             call("GET", "/console/queues", ADMIN), call("POST", "/console/next", RITA2, {})]
    text = json.dumps(pages)
    assert [value for value in APPLICANT.values() if len(value) > 3 and value in text] == []
