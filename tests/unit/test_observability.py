"""The handlers' log keys belong to the invocation that appended them, also where invocations share a process."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from contextvars import Context
from datetime import UTC, datetime, timedelta

import pytest
from aws_lambda_powertools import Logger
from kyc.adapters.memory import MemoryApplications
from kyc.observability import InvocationKeysFormatter
from kyc.observability import logger as handlers_logger
from kyc.ports import Claim
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps, both_checks
from kyc.settings import Settings

from tests.support.fakes import FakeFaces, FakeIdReader


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    previous = handlers_logger.registered_handler.setStream(out)
    yield out
    handlers_logger.registered_handler.setStream(previous)


def test_each_context_keeps_its_own_keys_and_the_process_keeps_its_own():
    out = io.StringIO()
    logger = Logger(service="log-keys-test", logger_handler=logging.StreamHandler(out),
                    logger_formatter=InvocationKeysFormatter())
    logger.append_keys(stage="process")
    both_appended = threading.Barrier(2)

    def invocation(function_name: str) -> None:
        logger.append_keys(function_name=function_name)
        both_appended.wait(timeout=10)  # keys shared by the process would now hold the second name for both lines
        logger.info("done")

    threads = [threading.Thread(target=Context().run, args=(invocation, name)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    logger.info("after")

    logged = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted(line["function_name"] for line in logged[:2]) == ["first", "second"]
    assert logged[2]["stage"] == "process" and "function_name" not in logged[2]


def test_the_checks_log_from_their_threads_with_the_invocation_s_keys(lines):
    """A check that fails beyond its retries logs it from its own thread, with the keys of the invocation that started
    it: both_checks runs each check in a copy of the invocation's context."""
    applications, now = MemoryApplications(), datetime.now(UTC)
    app = applications.claim(Claim("log-keys-app", "etag", now, now, now + timedelta(days=1)))
    settings = Settings({})

    def invocation() -> None:
        handlers_logger.append_keys(function_request_id="request-1")
        both_checks(
            app, {"selfie": "s", "license": "l"},
            FaceCheckDeps(applications=applications, settings=settings, faces=FakeFaces(failure="Throttling")),
            DetailsCheckDeps(applications=applications, settings=settings,
                             id_reader=FakeIdReader({}, failure="Throttling")),
        )

    Context().run(invocation)

    failures = [line for line in map(json.loads, lines.getvalue().splitlines())
                if line["message"] == "dependency failed beyond its retries"]
    assert sorted(line["check"] for line in failures) == ["LICENSE_DETAILS_MATCH", "LICENSE_SELFIE_MATCH"]
    assert {line.get("function_request_id") for line in failures} == {"request-1"}
