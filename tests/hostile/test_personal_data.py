"""No personal data leaves the system: unique markers in every CSV field (and on the licence) never appear in a log
line, notification, metric, handler response or error message of whole runs through both functions.

Logs are captured at DEBUG (production logs at INFO), the notifications through an SQS queue subscribed to the topic,
the metrics as the EMF JSON Powertools prints when a handler ends.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from kyc.model import ServiceFailure
from kyc.observability import metrics

from tests.hostile.corpus import details_csv, make_zip, members
from tests.hostile.support import drain, log_lines, s3_event, sqs_event
from tests.integration.conftest import BUCKET, load_event
from tests.support.bundles import license_fields
from tests.support.fakes import FakeIdReader, FlakyNotifier
from tests.support.handlers import LambdaContext, handler_module

document = handler_module("document")
submit = handler_module("submit_license")
validate = handler_module("validate_license")
application_status = handler_module("application_status")

MARKERS = {  # the applicant's CSV: every value unique and searchable
    "FIRST_NAME": "Qxmarkerfirst",
    "LAST_NAME": "Qxmarkerlást",
    "CITY_IN_ADDRESS": "Qxmarkercity Springs",
    "ZIP_CODE_IN_ADDRESS": "97531-8642",
    "STATE_IN_ADDRESS": "California",
    "DOCUMENT_NUMBER": "q731-6429",  # a valid Californian number once normalised: Q7316429
    "DATE_OF_BIRTH": "02/29/1964",
    "ADDRESS": "4417 Qxmarkerstreet Avenue Apt 9",
}
LICENCE = {  # what the licence says in the mismatch runs
    "FIRST_NAME": "Qxlicencefirst",
    "LAST_NAME": "Qxlicencelast",
    "CITY_IN_ADDRESS": "Qxlicencecity",
    "ZIP_CODE_IN_ADDRESS": "86420-1357",
    "STATE_IN_ADDRESS": "Nevada",
    "DOCUMENT_NUMBER": "Z9081726",
    "DATE_OF_BIRTH": "11/23/1958",
    "ADDRESS": "99 Qxlicencestreet Blvd",
}
LICENCE_EXPIRY = date(2020, 1, 2)
CHILD_BIRTH = "07/04/2013"
FORMULA = "=Qxmarkerformula()"
SEEDED = [*MARKERS.values(), *LICENCE.values(), LICENCE_EXPIRY.strftime("%m/%d/%Y"), CHILD_BIRTH, FORMULA]


def _plain(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _alnum(text: str) -> str:
    return "".join(char for char in _plain(text).casefold() if char.isalnum())


def _forms(value: str) -> set[str]:
    """The value as written, accent-stripped, and (for dates) as ISO and unpadded US dates; all casefolded."""
    forms = {value.casefold(), _plain(value).casefold()}
    if value.count("/") == 2:
        month, day, year = value.split("/")
        forms |= {f"{year}-{month}-{day}", f"{int(month)}/{int(day)}/{year}"}
    return forms


def assert_no_marker(text: str) -> None:
    folded, squeezed = text.casefold(), _alnum(text)
    for value in SEEDED:
        for form in _forms(value):
            assert form not in folded, f"personal value {value!r} appears as {form!r}"
        assert _alnum(value) not in squeezed, f"personal value {value!r} appears with its punctuation removed"


@dataclass
class Run:
    """Both functions on one moto stack, with everything they returned or raised kept for inspection."""

    stack: object
    document_deps: object
    submit_deps: object
    said: list[str] = field(default_factory=list)

    def upload(self, app: str, csv: bytes) -> str:
        self.stack.s3.put_object(Bucket=BUCKET, Key=f"zipped/{app}.zip", Body=make_zip(members(app, details_csv=csv)))
        return self._call(lambda: document.handle(s3_event(f"zipped/{app}.zip"), self.document_deps))["statuses"][0]

    def submit(self, receive_count: int | None = None) -> list[dict]:
        found = self.stack.sqs.receive_message(
            QueueUrl=self.stack.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0, AttributeNames=["All"]
        ).get("Messages", [])
        event = sqs_event(found, receive_count)
        return self._call(lambda: submit.handle(event, LambdaContext(), self.submit_deps))["batchItemFailures"]

    def validate(self, body: dict) -> dict:
        event = load_event("api_license_valid.json")
        event["body"] = json.dumps(body)
        return self._call(lambda: validate.lambda_handler(event, LambdaContext()))

    def status_api(self, app: str) -> dict:
        event = load_event("api_application_status_8d247914.json")
        event["rawPath"] = event["requestContext"]["http"]["path"] = f"/applications/{app}"
        event["pathParameters"] = {"app_uuid": app}
        return self._call(lambda: application_status.lambda_handler(event, LambdaContext()))

    def _call(self, invoke: Callable[[], dict]) -> dict:
        try:
            response = invoke()
        except Exception as error:
            self.said.append(f"{type(error).__name__}: {error}")
            raise
        finally:
            metrics.flush_metrics()  # what @metrics.log_metrics prints as each invocation ends
        self.said.append(json.dumps(response))
        return response

    def status(self, app: str) -> str:
        return self.stack.item(app)["APPLICATION_STATUS"]


def csv_of(details: dict[str, str]) -> bytes:
    return details_csv([list(details), list(details.values())])


def approved(run: Run) -> int:
    assert run.upload("pd-approved", csv_of(MARKERS)) == "AWAITING_LICENSE_VALIDATION"
    assert run.submit() == []
    assert run.status("pd-approved") == "APPROVED"
    assert run.stack.item("pd-approved")["FIRST_NAME"] == MARKERS["FIRST_NAME"]  # the markers went through
    return 1  # the final status


def every_check_fails(run: Run) -> int:
    run.document_deps.faces.similarity = 10.0
    run.document_deps.id_reader = FakeIdReader(license_fields(LICENCE, expires=LICENCE_EXPIRY))
    run.submit_deps.validator.valid = False
    run.upload("pd-failing", csv_of(MARKERS))
    assert run.submit() == []
    assert run.stack.item("pd-failing")["REASONS"] == [
        "SELFIE_MISMATCH",
        "DETAILS_MISMATCH",
        "LICENSE_EXPIRED",
        "LICENSE_INVALID",
    ]
    return 4  # three checks, then the final status


def underage(run: Run) -> int:
    child = {**MARKERS, "DATE_OF_BIRTH": CHILD_BIRTH}
    run.document_deps.id_reader = FakeIdReader(license_fields(child))
    run.upload("pd-underage", csv_of(child))
    run.submit()
    assert run.stack.item("pd-underage")["REASONS"] == ["UNDERAGE"]
    return 2  # the details check, then the final status


def undecided(run: Run) -> int:
    run.document_deps.faces.target_faces = 0
    run.document_deps.id_reader = FakeIdReader(license_fields(MARKERS), confidence=10.0)
    run.upload("pd-undecided", csv_of(MARKERS))
    run.submit()
    assert run.status("pd-undecided") == "REVIEW"
    return 3  # two checks, then the final status


def services_fail(run: Run) -> int:
    run.document_deps.faces.failure = "ThrottlingException"
    run.document_deps.id_reader.failure = "ProvisionedThroughputExceededException"
    assert run.upload("pd-errors", csv_of(MARKERS)) == "ERROR"
    return 3  # two checks, then the final status


def validator_outage(run: Run) -> int:
    run.submit_deps.validator.failure = "HTTP 503"
    run.upload("pd-outage", csv_of(MARKERS))
    assert len(run.submit(receive_count=1)) == 1
    assert run.submit(receive_count=5) == []
    assert run.status("pd-outage") == "ERROR"
    return 2  # the validation check, then the final status


def notifier_outage_escapes_then_resumes(run: Run) -> int:
    run.document_deps.faces.similarity = 5.0
    run.document_deps.notifier = FlakyNotifier(run.document_deps.notifier, failures=1)
    with pytest.raises(ServiceFailure):  # the error Lambda reports, and the platform retries
        run.upload("pd-flaky", csv_of(MARKERS))
    assert run.upload("pd-flaky", csv_of(MARKERS)) == "AWAITING_LICENSE_VALIDATION"
    assert run.said[0].startswith("ServiceFailure")
    return 1


def formula_rejected(run: Run) -> int:
    assert run.upload("pd-formula", csv_of({**MARKERS, "FIRST_NAME": FORMULA})) == "REJECTED"
    return 1


def headerless_csv_rejected(run: Run) -> int:
    """A client that sends the row twice and no header; the applicant's city is also her last name."""
    row = [*MARKERS.values()]
    row[2] = MARKERS["LAST_NAME"]
    assert run.upload("pd-headerless", details_csv([row, row])) == "REJECTED"
    assert run.stack.item("pd-headerless")["REASONS"] == ["CSV_INVALID"]
    return 1


def another_bundle_for_the_same_id(run: Run) -> int:
    run.upload("pd-duplicate", csv_of(MARKERS))
    run.upload("pd-duplicate", csv_of(LICENCE))
    assert run.stack.item("pd-duplicate")["FIRST_NAME"] == MARKERS["FIRST_NAME"]
    return 1


def poison_messages(run: Run) -> int:
    for body in (
        json.dumps({"app_uuid": "pd-unknown", "driver_license_id": MARKERS["DOCUMENT_NUMBER"]}),
        json.dumps({"app_uuid": MARKERS["FIRST_NAME"] + "/x", "driver_license_id": MARKERS["DOCUMENT_NUMBER"]}),
        "{" + MARKERS["LAST_NAME"] + " " + MARKERS["DOCUMENT_NUMBER"],
    ):
        run.stack.sqs.send_message(QueueUrl=run.stack.queue_url, MessageBody=body)
    assert len(run.submit()) == 3
    return 0


def status_api_answers(run: Run) -> int:
    """The mobile app's status API on an approved, a rejected, an unknown and a malformed id."""
    run.upload("pd-status", csv_of(MARKERS))
    run.submit()
    run.document_deps.faces.similarity = 5.0
    run.upload("pd-status-rejected", csv_of(MARKERS))
    run.submit()
    assert json.loads(run.status_api("pd-status")["body"])["status"] == "APPROVED"
    assert json.loads(run.status_api("pd-status-rejected")["body"])["next_step"].startswith("Retake the selfie")
    assert run.status_api("pd-nobody")["statusCode"] == 404
    assert run.status_api("not-an-id!")["statusCode"] == 404
    return 3  # the approval's final status; the rejection's face check and final status


def validator_requests(run: Run) -> int:
    number = MARKERS["DOCUMENT_NUMBER"]
    assert run.validate({"driver_license_id": number, "state": "CA"})["statusCode"] == 200
    assert run.validate({"driver_license_id": number, "state": MARKERS["CITY_IN_ADDRESS"]})["statusCode"] == 400
    assert run.validate({"driver_license_id": MARKERS["ADDRESS"] * 3})["statusCode"] == 400
    assert run.validate({"driver_license_id": number, "validation_override": True})["statusCode"] == 400
    return 0


SCENARIOS = [
    approved,
    every_check_fails,
    underage,
    undecided,
    services_fail,
    validator_outage,
    notifier_outage_escapes_then_resumes,
    formula_rejected,
    headerless_csv_rejected,
    another_bundle_for_the_same_id,
    poison_messages,
    status_api_answers,
    validator_requests,
]


@pytest.mark.parametrize(
    "leak",
    ["QXMARKERFIRST", "qxmarkerlast", "Q7316429", "q731 6429", "1964-02-29", "2/29/1964", "975318642", "CALIFORNIA"],
)
def test_the_check_finds_normalised_forms(leak):
    with pytest.raises(AssertionError):
        assert_no_marker(f'{{"message": "x", "value": "{leak}"}}')


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.__name__ for scenario in SCENARIOS])
def test_no_personal_value_escapes(scenario, stack, document_deps, submit_deps, capsys, caplog):
    caplog.set_level(logging.WARNING)
    caplog.set_level(logging.DEBUG, logger="aws_lambda_powertools")
    document_deps.id_reader = FakeIdReader(license_fields(MARKERS))  # the licence agrees unless a scenario says not
    run = Run(stack, document_deps, submit_deps)
    with log_lines("DEBUG") as logs:
        expected_notifications = scenario(run)
    notifications = drain(stack.sqs, stack.tap_url)
    printed = capsys.readouterr()

    assert len(notifications) == expected_notifications
    assert logs.getvalue() or caplog.text, "the capture saw nothing"
    everything = [logs.getvalue(), caplog.text, printed.out, printed.err, json.dumps(notifications), *run.said]
    assert_no_marker("\n".join(everything))
