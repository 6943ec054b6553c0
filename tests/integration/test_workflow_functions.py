"""The Step Functions workflow's task functions, one at a time, driven by events/sfn_*.json against moto."""

from __future__ import annotations

import json

import boto3
import pytest
from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.s3 import S3DocumentStore
from kyc.adapters.sns import SnsNotifier
from kyc.adapters.stepfunctions import StepFunctionsWorkflows
from kyc.services.applicant_record import DetailsRecordDeps
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps
from kyc.services.conclusion import ConclusionDeps
from kyc.services.failure import FailureDeps
from kyc.services.intake import IntakeDeps
from kyc.services.workflow_start import StartDeps
from kyc.settings import get_settings

from tests.integration.conftest import load_event
from tests.support.bundles import APPLICANT, bundle
from tests.support.handlers import handler_module

APP = "8d247914"
unzip = handler_module("unzip")
write_to_dynamo = handler_module("write_to_dynamo")
compare_faces = handler_module("compare_faces")
compare_details = handler_module("compare_details")
decide = handler_module("decide")
record_error = handler_module("record_error")
start_workflow = handler_module("start_workflow")


@pytest.fixture
def ports(stack):
    settings = get_settings()
    return (
        S3DocumentStore(settings.bucket),
        DynamoApplications(settings.table),
        SnsNotifier(settings.topic_arn),
        settings,
    )


def task_event(name: str, etag: str) -> dict:
    return {**load_event(name), "etag": etag}


def unzipped(stack, ports, body: bytes | None = None) -> dict:
    """Upload a bundle and run the Unzip task on it; its output is the next tasks' input."""
    store, apps, notifier, settings = ports
    etag = stack.upload(APP, body or bundle(APP)).strip('"')
    return unzip.handle(task_event("sfn_unzip_8d247914.json", etag), IntakeDeps(store, apps, notifier, settings))


def test_unzip_claims_the_upload_and_stores_its_members(stack, ports):
    state = unzipped(stack, ports)

    assert state == {
        **load_event("sfn_task_8d247914.json"),
        "key": f"zipped/{APP}.zip",
        "etag": state["etag"],
        "checks_due": True,
        "status": None,
    }
    item = stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["BUNDLE_ETAG"]) == ("PROCESSING", state["etag"])
    assert {name: item[name] for name in APPLICANT} == APPLICANT  # recorded with the claim
    for key in state["members"].values():
        stack.s3.head_object(Bucket=get_settings().bucket, Key=key)


def test_unzip_rejects_a_hostile_bundle_and_says_no_check_is_due(stack, ports):
    state = unzipped(stack, ports, bundle(APP, extra={"../../etc/passwd": b"root"}))

    assert (state["checks_due"], state["status"], state["members"]) == (False, "REJECTED", {})
    assert [n["Subject"] for n in stack.notifications()] == [f"Application bundle REJECTED – {APP}"]


def test_write_to_dynamo_records_the_stored_details(stack, ports):
    store, apps, _, _ = ports
    state = unzipped(stack, ports)

    assert write_to_dynamo.handle(state, DetailsRecordDeps(store, apps)) == {}

    item = stack.item(APP)
    assert {name: item[name] for name in APPLICANT} == APPLICANT
    assert item["APPLICATION_STATUS"] == "PROCESSING"


def test_compare_faces_records_its_result_and_never_pays_twice(stack, ports, faces):
    _, apps, _, settings = ports
    state = unzipped(stack, ports)
    faces.similarity = 41.0

    first = compare_faces.handle(state, FaceCheckDeps(applications=apps, settings=settings, faces=faces))
    again = compare_faces.handle(state, FaceCheckDeps(applications=apps, settings=settings, faces=faces))

    assert first == again == {"check": "LICENSE_SELFIE_MATCH", "outcome": "FAIL"}
    assert faces.calls == [(f"unzipped/{APP}_license.png", f"unzipped/{APP}_selfie.png")]
    item = stack.item(APP)
    assert (item["LICENSE_SELFIE_MATCH"], item["FACE_SIMILARITY"]) == (False, 41.0)


def test_compare_details_reads_the_details_from_the_item(stack, ports, id_reader):
    store, apps, _, settings = ports
    state = unzipped(stack, ports)
    write_to_dynamo.handle(state, DetailsRecordDeps(store, apps))

    result = compare_details.handle(state, DetailsCheckDeps(applications=apps, settings=settings, id_reader=id_reader))

    assert result == {"check": "LICENSE_DETAILS_MATCH", "outcome": "PASS"}  # to Step Functions: no value
    assert id_reader.calls == [[f"unzipped/{APP}_license.png"]]
    report = stack.item(APP)["DETAILS_REPORT"]
    assert set(report) == set(APPLICANT)
    assert report["LAST_NAME"]["licence_value"].casefold() == APPLICANT["LAST_NAME"].casefold()  # the record only


def test_decide_records_a_branch_that_failed_for_good_as_an_error_and_tells_staff(stack, ports, faces):
    store, apps, notifier, settings = ports
    state = unzipped(stack, ports)
    write_to_dynamo.handle(state, DetailsRecordDeps(store, apps))
    compare_faces.handle(state, FaceCheckDeps(applications=apps, settings=settings, faces=faces))
    event = task_event("sfn_decide_8d247914.json", state["etag"])  # CompareDetails failed: Lambda.ServiceException

    decision = decide.handle(event, ConclusionDeps(apps, notifier))

    assert decision == {"status": "ERROR", "message": None}
    item = stack.item(APP)
    assert item["REASONS"] == ["SERVICE_ERROR"]
    assert item["LICENSE_DETAILS_MATCH_RESULT"]["detail"] == {"service": "Lambda.ServiceException"}
    assert item["MARKERS"] == {"document-done", "notified:LICENSE_DETAILS_MATCH", "notified:final"}
    note, final = stack.notifications()
    assert note["Subject"] == f"Data validation between license and CSV ERROR – {APP}"
    assert "Failed service: Lambda.ServiceException" in note["Message"]
    assert final["Subject"] == f"Application ERROR – {APP}"
    assert "Failed service: Lambda.ServiceException" in final["Message"]


def test_decide_hands_the_license_message_to_validate_send(stack, ports, faces, id_reader):
    store, apps, notifier, settings = ports
    state = unzipped(stack, ports)
    write_to_dynamo.handle(state, DetailsRecordDeps(store, apps))
    checks = [
        compare_faces.handle(state, FaceCheckDeps(applications=apps, settings=settings, faces=faces)),
        compare_details.handle(state, DetailsCheckDeps(applications=apps, settings=settings, id_reader=id_reader)),
    ]

    decision = decide.handle({**state, "checks": checks}, ConclusionDeps(apps, notifier))

    assert decision == {
        "status": "AWAITING_LICENSE_VALIDATION",
        "message": {"uuid": APP, "app_uuid": APP},  # a pointer: no personal value in the execution's history
    }
    assert stack.item(APP)["MARKERS"] == {"document-done"}
    assert stack.queued() == [] and stack.notifications() == []  # ValidateSend sends it, not Decide


def test_record_error_ends_a_claimed_application_in_error_and_tells_staff_once(stack, ports):
    _, apps, notifier, settings = ports
    state = unzipped(stack, ports)
    event = task_event("sfn_record_error_8d247914.json", state["etag"])

    first = record_error.handle(event, FailureDeps(apps, notifier, settings))
    again = record_error.handle(event, FailureDeps(apps, notifier, settings))

    assert first == again == {"status": "ERROR"}
    item = stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["REASONS"]) == ("ERROR", ["SERVICE_ERROR"])
    assert item["STATUS_DETAIL"] == "step WriteToDynamo failed: ServiceFailure"
    assert [n["Subject"] for n in stack.notifications()] == [f"Application processing ERROR – {APP}"]


def test_record_error_creates_the_record_when_the_upload_was_never_claimed(stack, ports):
    _, apps, notifier, settings = ports
    event = load_event("sfn_record_error_8d247914.json")
    event["failed"] = {"Unzip": {"Error": "Lambda.TooManyRequestsException", "Cause": "Rate Exceeded."}}

    record_error.handle(event, FailureDeps(apps, notifier, settings))

    item = stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["BUNDLE_ETAG"]) == ("ERROR", event["etag"])
    assert item["EXPIRES_AT"] > 0
    [note] = stack.notifications()
    assert "step Unzip (Lambda.TooManyRequestsException)" in note["Message"]


def test_record_error_leaves_a_settled_application_alone(stack, ports):
    _, apps, notifier, settings = ports
    state = unzipped(stack, ports, bundle(APP, extra={"../../etc/passwd": b"root"}))
    stack.notifications()

    status = record_error.handle(
        task_event("sfn_record_error_8d247914.json", state["etag"]), FailureDeps(apps, notifier, settings)
    )

    assert status == {"status": "REJECTED"}
    assert stack.item(APP)["REASONS"] == ["BUNDLE_INVALID"]
    assert stack.notifications() == []


@pytest.fixture
def state_machine(stack):
    """A state machine in moto's Step Functions (executions are recorded, not run)."""
    sfn = boto3.client("stepfunctions")
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
    arn = sfn.create_state_machine(
        name="DocumentStateMachine", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    return sfn, arn


def test_the_starter_names_the_execution_after_the_upload_and_starts_it_once(state_machine):
    sfn, arn = state_machine
    deps = StartDeps(StepFunctionsWorkflows(arn))
    event = load_event("eventbridge_object_created_8d247914.json")
    name = f"{APP}-{event['detail']['object']['etag']}"

    first = start_workflow.handle(event, deps)
    [execution] = sfn.list_executions(stateMachineArn=arn)["executions"]
    sfn.stop_execution(executionArn=execution["executionArn"])
    again = start_workflow.handle(event, deps)

    assert first == {"execution_name": name, "started": True}
    assert again == {"execution_name": name, "started": False}
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 1
    started = json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"])
    assert started == {"key": f"zipped/{APP}.zip", "etag": event["detail"]["object"]["etag"]}


def test_the_starter_passes_the_key_url_encoded_like_an_s3_notification(state_machine):
    sfn, arn = state_machine
    event = load_event("eventbridge_object_created_8d247914.json")
    event["detail"]["object"]["key"] = "zipped/odd name+1.zip"

    result = start_workflow.handle(event, StartDeps(StepFunctionsWorkflows(arn)))

    [execution] = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert execution["name"] == result["execution_name"]
    assert json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"])["key"] == (
        "zipped/odd+name%2B1.zip"
    )
