"""The handlers' log keys kept per invocation, though the functions share one process and one Powertools Logger."""

from __future__ import annotations

import io
import json
import logging
import threading
from contextvars import Context
from datetime import UTC, datetime, timedelta

from aws_lambda_powertools import Logger
from kyc.observability import logger as handlers_logger
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps, both_checks
from kyc.adapters.memory import MemoryApplications
from kyc.ports import ApplicationRecord, Claim
from kyc.settings import get_settings

from kyc_local import log_keys
from tests.support.fakes import FakeFaces, FakeIdReader


def _claimed_application(applications: MemoryApplications) -> ApplicationRecord:
    now = datetime.now(UTC)
    record = applications.claim(Claim("log-keys-app", "etag", now, now, now + timedelta(days=1)))
    assert record is not None
    return record


def test_each_invocation_keeps_its_own_keys_and_uninstalling_restores_the_process_keys():
    out = io.StringIO()
    logger = Logger(service="log-keys-test", logger_handler=logging.StreamHandler(out))
    logger.append_keys(stage="process")
    both_appended = threading.Barrier(2)

    def invocation(function_name: str) -> None:
        logger.append_keys(function_name=function_name)
        both_appended.wait(timeout=10)  # shared keys would now hold the second name for both lines
        logger.info("done")

    log_keys.install(logger.registered_formatter)
    try:
        threads = [threading.Thread(target=Context().run, args=(invocation, name)) for name in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        log_keys.uninstall(logger.registered_formatter)
    logger.info("after")

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted((line["function_name"], line["stage"]) for line in lines[:2]) == [
        ("first", "process"), ("second", "process")]
    assert lines[2]["stage"] == "process" and "function_name" not in lines[2]


def test_the_checks_log_from_their_threads_with_the_invocation_s_keys():
    """A check that fails beyond its retries logs it from its own thread, with the keys of the invocation that started
    it: both_checks runs each check in a copy of the invocation's context."""
    out = io.StringIO()
    handler, formatter = handlers_logger.registered_handler, handlers_logger.registered_formatter
    previous = handler.setStream(out)
    settings, applications = get_settings(), MemoryApplications()
    app = _claimed_application(applications)

    def invocation() -> None:
        handlers_logger.append_keys(function_request_id="request-1")
        both_checks(app, {"selfie": "s", "license": "l"},
                    FaceCheckDeps(applications=applications, settings=settings,
                                  faces=FakeFaces(failure="ThrottlingException")),
                    DetailsCheckDeps(applications=applications, settings=settings,
                                     id_reader=FakeIdReader({}, failure="ThrottlingException")))

    log_keys.install(formatter)
    try:
        Context().run(invocation)
    finally:
        log_keys.uninstall(formatter)
        handler.setStream(previous)

    failures = [line for line in map(json.loads, out.getvalue().splitlines())
                if line["message"] == "dependency failed beyond its retries"]
    assert sorted(line["check"] for line in failures) == ["LICENSE_DETAILS_MATCH", "LICENSE_SELFIE_MATCH"]
    assert {line.get("function_request_id") for line in failures} == {"request-1"}
