"""DocumentLambdaFunction driven by events/*.json against moto, with the vision ports faked."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from kyc.model import Check, CheckResult, Outcome, ServiceFailure, Status
from kyc.ports import Claim
from kyc.services.documents import ApplicationBusy
from kyc.services.records import DOCUMENTS_DONE
from kyc.settings import Settings

from tests.integration.conftest import BUCKET, load_event
from tests.support.bundles import APPLICANT, bundle, license_fields
from tests.support.fakes import FakeIdReader, FlakyNotifier, FlakyResultWrites
from tests.support.handlers import handler_module

document = handler_module("document")
EVENT = load_event("s3_put_8d247914.json")
APP = "8d247914"


def personal_values() -> list[str]:
    return [value for value in APPLICANT.values() if len(value) > 3]


def assert_no_personal_data(messages: list[dict]) -> None:
    for message in messages:
        text = repr(message)
        for value in personal_values():
            assert value not in text, "a notification carries personal data"


def test_matching_bundle_is_checked_stored_and_queued(stack, document_deps, faces, id_reader):
    stack.upload(APP, bundle(APP))

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}

    item = stack.item(APP)
    assert item["APPLICATION_STATUS"] == "AWAITING_LICENSE_VALIDATION"
    assert {k: item[k] for k in APPLICANT} == APPLICANT
    assert item["LICENSE_SELFIE_MATCH"] is True and item["LICENSE_DETAILS_MATCH"] is True
    assert item["FACE_SIMILARITY"] == 99.9
    assert set(item["DETAILS_REPORT"]) == set(APPLICANT)
    assert all(report["match"] is True for report in item["DETAILS_REPORT"].values())
    assert item["REASONS"] == [] and item["EXPIRES_AT"] > 0
    assert faces.calls == [(f"unzipped/{APP}_license.png", f"unzipped/{APP}_selfie.png")]
    assert id_reader.calls == [[f"unzipped/{APP}_license.png"]]
    keys = {o["Key"] for o in stack.s3.list_objects_v2(Bucket=BUCKET, Prefix="unzipped/")["Contents"]}
    assert keys == {f"unzipped/{APP}_details.csv", f"unzipped/{APP}_selfie.png", f"unzipped/{APP}_license.png"}
    assert stack.queued() == [{"uuid": APP, "app_uuid": APP}]
    assert stack.notifications() == []


def test_selfie_of_another_person_is_recorded_and_notified_without_personal_data(stack, document_deps, faces):
    faces.similarity = 12.5
    stack.upload(APP, bundle(APP))

    document.handle(EVENT, document_deps)

    item = stack.item(APP)
    assert item["LICENSE_SELFIE_MATCH"] is False and item["LICENSE_DETAILS_MATCH"] is True
    assert item["REASONS"] == ["SELFIE_MISMATCH"]
    notes = stack.notifications()
    assert [n["Subject"] for n in notes] == [f"License photo validation FAILED – {APP}"]
    assert notes[0]["MessageAttributes"]["app_uuid"]["Value"] == APP
    assert notes[0]["MessageAttributes"]["check"]["Value"] == "LICENSE_SELFIE_MATCH"
    assert_no_personal_data(notes)
    assert len(stack.queued()) == 1  # all checks run: the licence is still validated


def test_details_that_differ_are_reported_per_field(stack, document_deps):
    document_deps.id_reader = FakeIdReader(license_fields({**APPLICANT, "LAST_NAME": "Smith", "ADDRESS": "9 Elm St"}))
    stack.upload(APP, bundle(APP))

    document.handle(EVENT, document_deps)

    item = stack.item(APP)
    assert item["LICENSE_DETAILS_MATCH"] is False
    assert "DETAILS_MISMATCH" in item["REASONS"]
    mismatched = {name for name, report in item["DETAILS_REPORT"].items() if report["match"] is False}
    assert mismatched == {"LAST_NAME", "ADDRESS"}
    notes = stack.notifications()
    assert [n["Subject"] for n in notes] == [f"Data validation between license and CSV FAILED – {APP}"]
    assert "LAST_NAME" in notes[0]["Message"] and "ADDRESS" in notes[0]["Message"]
    assert_no_personal_data(notes)


def test_duplicate_event_makes_no_second_paid_call_or_notification(stack, document_deps, faces, id_reader):
    faces.similarity = 10.0
    stack.upload(APP, bundle(APP))

    first = document.handle(EVENT, document_deps)
    second = document.handle(EVENT, document_deps)

    assert first == second
    assert len(faces.calls) == 1 and len(id_reader.calls) == 1
    assert len(stack.notifications()) == 1
    assert len(stack.queued()) == 1


def test_hostile_bundle_is_rejected_before_any_paid_call(stack, document_deps, faces, id_reader):
    stack.upload(APP, bundle(APP, extra={"../../etc/passwd": b"root"}))

    assert document.handle(EVENT, document_deps) == {"statuses": ["REJECTED"]}

    item = stack.item(APP)
    assert item["APPLICATION_STATUS"] == "REJECTED" and item["REASONS"] == ["BUNDLE_INVALID"]
    assert item["STATUS_DETAIL"]
    assert faces.calls == [] and id_reader.calls == []
    assert [n["Subject"] for n in stack.notifications()] == [f"Application bundle REJECTED – {APP}"]
    assert stack.queued() == []


def test_key_that_names_no_application_is_still_recorded(stack, document_deps):
    event = load_event("s3_put_8d247914.json")
    event["Records"][0]["s3"]["object"]["key"] = "zipped/..%2Fescape.zip"
    stack.s3.put_object(Bucket=BUCKET, Key="zipped/../escape.zip", Body=b"x")

    assert document.handle(event, document_deps) == {"statuses": ["REJECTED"]}
    (note,) = stack.notifications()
    assert note["MessageAttributes"]["app_uuid"]["Value"].startswith("invalid-")


def test_rekognition_failure_ends_in_error_with_service_error(stack, document_deps, faces, id_reader):
    faces.failure = "ThrottlingException"
    stack.upload(APP, bundle(APP))

    assert document.handle(EVENT, document_deps) == {"statuses": ["ERROR"]}

    item = stack.item(APP)
    assert item["REASONS"] == ["SERVICE_ERROR"]
    assert len(id_reader.calls) == 1  # the other check still ran
    assert "LICENSE_SELFIE_MATCH" not in item
    assert [n["Subject"] for n in stack.notifications()] == [
        f"License photo validation ERROR – {APP}",  # an outage is not a failed check
        f"Application ERROR – {APP}",
    ]
    assert stack.queued() == []


def test_interrupted_run_resumes_without_paying_twice(stack, document_deps, faces, id_reader):
    faces.similarity = 5.0
    document_deps.notifier = FlakyNotifier(document_deps.notifier, failures=1)
    stack.upload(APP, bundle(APP))

    with pytest.raises(ServiceFailure):
        document.handle(EVENT, document_deps)
    assert stack.item(APP)["APPLICATION_STATUS"] == "AWAITING_LICENSE_VALIDATION"

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}
    assert len(faces.calls) == 1 and len(id_reader.calls) == 1
    assert len(stack.notifications()) == 1
    # queued by the interrupted run (before staff are told) and again by its retry: SubmitLicense settles it once
    assert stack.queued() == [{"uuid": APP, "app_uuid": APP}] * 2


class _Meeting:
    """A paid port whose call waits (up to 5 s) until the other paid call is in flight too: called one after the
    other, the first call's wait breaks the barrier and the check fails with BrokenBarrierError."""

    def __init__(self, inner, barrier: threading.Barrier):
        self._inner, self._barrier = inner, barrier

    def compare(self, *args):
        self._barrier.wait()
        return self._inner.compare(*args)

    def analyze(self, *args):
        self._barrier.wait()
        return self._inner.analyze(*args)


def test_the_two_paid_checks_run_at_once(stack, document_deps, faces, id_reader):
    both_in_flight = threading.Barrier(2, timeout=5)
    document_deps.faces = _Meeting(faces, both_in_flight)
    document_deps.id_reader = _Meeting(id_reader, both_in_flight)
    stack.upload(APP, bundle(APP))

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}
    assert len(faces.calls) == 1 and len(id_reader.calls) == 1


class _CrashingReader:
    """An ID reader whose first call fails with an error no adapter expects (a bug, the sandbox running out)."""

    def __init__(self, inner):
        self._inner, self.crashed = inner, threading.Event()

    def analyze(self, pages):
        if not self.crashed.is_set():
            self.crashed.set()
            raise RuntimeError("unexpected")
        return self._inner.analyze(pages)


class _AnswersAfter:
    """A face comparer that answers only once `event` is set (or after 5 s)."""

    def __init__(self, inner, event: threading.Event):
        self._inner, self._event = inner, event

    def compare(self, *args):
        self._event.wait(5)
        return self._inner.compare(*args)


def test_a_check_that_crashes_does_not_lose_the_other_paid_result(stack, document_deps, faces, id_reader):
    reader = document_deps.id_reader = _CrashingReader(id_reader)
    document_deps.faces = _AnswersAfter(faces, reader.crashed)  # CompareFaces answers after AnalyzeID crashed
    stack.upload(APP, bundle(APP))

    with pytest.raises(RuntimeError):
        document.handle(EVENT, document_deps)
    assert stack.item(APP)["LICENSE_SELFIE_MATCH"] is True  # recorded although the other check crashed first

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}
    assert len(faces.calls) == 1 and len(id_reader.calls) == 1


class _Killed(BaseException):
    """The sandbox stopped mid-call (a timeout): no `except Exception` in the handler runs."""


class _KilledOnce:
    """A licence queue whose first send never happens: the invocation is killed during it."""

    def __init__(self, inner):
        self._inner, self.killed = inner, False

    def send(self, message):
        if not self.killed:
            self.killed = True
            raise _Killed
        self._inner.send(message)


def test_a_run_killed_while_queueing_the_licence_is_queued_by_the_retry(stack, document_deps):
    document_deps.queue = _KilledOnce(document_deps.queue)
    stack.upload(APP, bundle(APP))

    with pytest.raises(_Killed):
        document.handle(EVENT, document_deps)
    assert stack.queued() == []

    later = datetime.now(UTC) + timedelta(seconds=document_deps.settings.lease_seconds + 1)
    document_deps.clock = lambda: later  # the killed run's lease has run out: the platform's retry claims the upload
    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}
    assert stack.queued() == [{"uuid": APP, "app_uuid": APP}]


class _Noted:
    """A port that notes each call of `method` in a shared list, then makes it."""

    def __init__(self, inner, method: str, notes: list[str]):
        self._inner, self._method, self._notes = inner, method, notes

    def __getattr__(self, name):
        if name != self._method:
            return getattr(self._inner, name)

        def noted(*args):
            self._notes.append(name)
            return getattr(self._inner, name)(*args)

        return noted


def test_the_licence_is_queued_before_staff_are_told_of_a_failed_check(stack, document_deps, faces):
    faces.similarity = 12.5  # the face check fails; the licence validation is still due
    notes: list[str] = []
    document_deps.queue = _Noted(document_deps.queue, "send", notes)
    document_deps.notifier = _Noted(document_deps.notifier, "publish", notes)
    stack.upload(APP, bundle(APP))

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}

    assert notes == ["send", "publish"]
    assert len(stack.queued()) == 1 and len(stack.notifications()) == 1


class _RecordedResults:
    """Applications that note the check of every result recorded."""

    def __init__(self, inner):
        self._inner, self.recorded = inner, []

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def record_result(self, app_uuid, etag, result, now):
        self.recorded.append(result.check)
        return self._inner.record_result(app_uuid, etag, result, now)


def test_each_check_result_is_written_once(stack, document_deps):
    apps = document_deps.applications = _RecordedResults(document_deps.applications)
    stack.upload(APP, bundle(APP))

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}

    assert sorted(apps.recorded) == sorted([Check.FACE, Check.DETAILS])
    assert stack.item(APP)["LICENSE_SELFIE_MATCH"] is True and stack.item(APP)["LICENSE_DETAILS_MATCH"] is True


def test_concurrent_duplicate_is_told_to_retry_later(stack, document_deps):
    stack.upload(APP, bundle(APP))
    etag = stack.s3.head_object(Bucket=BUCKET, Key=f"zipped/{APP}.zip")["ETag"].strip('"')
    now = datetime.now(UTC)
    document_deps.applications.claim(Claim(APP, etag, now, now + timedelta(days=1), now + timedelta(days=30)))

    with pytest.raises(ApplicationBusy):
        document.handle(EVENT, document_deps)


def test_another_bundle_for_a_used_application_id_is_refused(stack, document_deps, faces):
    stack.upload(APP, bundle(APP))
    document.handle(EVENT, document_deps)
    stack.queued()
    stack.upload(APP, bundle(APP, {**APPLICANT, "FIRST_NAME": "Other"}))

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}

    assert stack.item(APP)["FIRST_NAME"] == APPLICANT["FIRST_NAME"]
    assert len(faces.calls) == 1
    notes = stack.notifications()
    assert [n["MessageAttributes"]["check"]["Value"] for n in notes] == ["BUNDLE"]
    assert "DUPLICATE_APPLICATION" in notes[0]["Message"]


def test_a_rerun_of_the_document_steps_never_moves_a_decided_status_back(stack, document_deps, faces):
    stack.upload(APP, bundle(APP))
    document.handle(EVENT, document_deps)
    apps, now = document_deps.applications, datetime.now(UTC)
    valid = CheckResult(Check.VALIDATION, Outcome.PASS)
    assert apps.settle_validation(APP, valid, Status.APPROVED, (), now)
    apps.unmark(APP, DOCUMENTS_DONE)  # as if the first run had died before marking its steps done
    document_deps.clock = lambda: now + timedelta(minutes=10)  # its lease has run out

    assert document.handle(EVENT, document_deps) == {"statuses": ["APPROVED"]}

    assert stack.item(APP)["APPLICATION_STATUS"] == "APPROVED"
    assert len(faces.calls) == 1


def test_a_paid_result_is_written_patiently_rather_than_paid_for_again(stack, document_deps, faces):
    document_deps.applications = FlakyResultWrites(document_deps.applications, Check.FACE, failures=2)
    stack.upload(APP, bundle(APP))

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}

    assert len(faces.calls) == 1
    assert stack.item(APP)["LICENSE_SELFIE_MATCH"] is True


class _TellsWhenDetailsRecorded:
    """Applications that set `event` once the details check's result is written."""

    def __init__(self, inner, event: threading.Event):
        self._inner, self._event = inner, event

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def record_result(self, app_uuid, etag, result, now):
        written = self._inner.record_result(app_uuid, etag, result, now)
        if result.check is Check.DETAILS:
            self._event.set()
        return written


def test_the_last_result_is_written_as_patiently(stack, document_deps, faces):
    details_recorded = threading.Event()
    document_deps.applications = FlakyResultWrites(
        _TellsWhenDetailsRecorded(document_deps.applications, details_recorded), Check.FACE, failures=2
    )
    document_deps.faces = _AnswersAfter(faces, details_recorded)  # the face result is the last one known
    stack.upload(APP, bundle(APP))

    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}

    assert len(faces.calls) == 1
    assert stack.item(APP)["LICENSE_SELFIE_MATCH"] is True


def test_an_event_for_an_object_that_does_not_exist_records_nothing(stack, document_deps, faces):
    """A replayed test event, or `sam local invoke` run before the upload: nothing is recorded and the id stays free."""
    assert document.handle(EVENT, document_deps) == {"statuses": ["NO_UPLOAD"]}
    assert stack.item(APP) is None and stack.notifications() == []

    stack.upload(APP, bundle(APP))
    assert document.handle(EVENT, document_deps) == {"statuses": ["AWAITING_LICENSE_VALIDATION"]}
    assert len(faces.calls) == 1


def test_staff_e_mails_link_the_case_in_the_review_console(stack, document_deps):
    document_deps.settings = Settings({**os.environ, "CONSOLE_URL": "https://console.example/console"})
    stack.upload(APP, bundle(APP, extra={"../x": b"x"}))  # refused: its final e-mail at once

    assert document.handle(EVENT, document_deps) == {"statuses": ["REJECTED"]}

    (note,) = stack.notifications()
    assert f"Review console: https://console.example/console#/console/cases/{APP}" in note["Message"]
