"""DocumentStateMachine end to end: moto's interpreter runs statemachine/document.asl.json, the tasks are the handlers.

The paid vision ports are the fakes the part-1 tests use, so both workflows see the same CompareFaces and AnalyzeID
answers; the rest (S3, DynamoDB, SNS, SQS, Step Functions, the Lambda Invoke API) is moto.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import boto3
import pytest
from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.s3 import S3DocumentStore
from kyc.adapters.sns import SnsNotifier
from kyc.adapters.stepfunctions import StepFunctionsWorkflows
from kyc.applicant import parse_details
from kyc.model import Check, ServiceFailure
from kyc.services.applicant_record import DetailsRecordDeps
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps
from kyc.services.conclusion import ConclusionDeps
from kyc.services.failure import FailureDeps
from kyc.services.intake import IntakeDeps
from kyc.services.workflow_start import StartDeps
from kyc.settings import get_settings
from moto import mock_aws

from kyc_local import moto_patch
from tests.integration.conftest import BUCKET, ROOT, load_event
from tests.support.bundles import APPLICANT, bundle, license_fields
from tests.support.handlers import handler_module
from tests.support.leaks import leaks, personal_values
from tests.support.workflow import (
    SFN_CONFIG,
    TaskInvoker,
    Throttled,
    create_functions,
    definition,
    handlers,
    resolve,
    substitutions,
    wait,
)

APP = "8d247914"
SAMPLES = ROOT / "UnitTests"
TIMESTAMPS = {"CREATED_AT", "UPDATED_AT", "LEASE_UNTIL", "EXPIRES_AT"}
document = handler_module("document")
start_workflow = handler_module("start_workflow")


class FailingReads:
    """A document store whose reads of unzipped/ fail every time, like S3 throttling that does not stop."""

    def __init__(self, inner: S3DocumentStore):
        self.inner = inner
        self.reads = 0

    def read_upload(self, key: str, max_bytes: int):
        if key.startswith("unzipped/"):
            self.reads += 1
            raise ServiceFailure("s3", "SlowDown")
        return self.inner.read_upload(key, max_bytes)

    def put_member(self, key: str, body: bytes, content_type: str) -> None:
        self.inner.put_member(key, body, content_type)


@dataclass
class Workflow:
    stack: Any
    sfn: Any
    state_machine_arn: str
    invoker: TaskInvoker
    deps: dict[str, Any]

    def start(self, app_uuid: str, etag: str) -> dict:
        event = load_event("eventbridge_object_created_8d247914.json")
        event["detail"]["object"].update(key=f"zipped/{app_uuid}.zip", etag=etag)
        return start_workflow.handle(event, StartDeps(StepFunctionsWorkflows(self.state_machine_arn)))

    def run(self, app_uuid: str, body: bytes) -> dict:
        """Upload a bundle, deliver its EventBridge event and wait for the execution to end."""
        etag = self.stack.upload(app_uuid, body).strip('"')
        return self.wait(self.start(app_uuid, etag)["execution_name"])

    def wait(self, name: str) -> dict:
        execution = self.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
        return wait(self.sfn, execution)

    def failures(self, execution: dict) -> list[dict]:
        """The errors the execution met (a test's explanation when outcomes differ)."""
        history = self.sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
        details = [d for event in history for name, d in event.items() if name.endswith("EventDetails")]
        return [d for d in details if "error" in d]

    def executions(self) -> list[dict]:
        return self.sfn.list_executions(stateMachineArn=self.state_machine_arn)["executions"]


@pytest.fixture
def workflow(stack, faces, id_reader):
    settings = get_settings()
    apps, store, notifier = (
        DynamoApplications(settings.table),
        S3DocumentStore(settings.bucket),
        SnsNotifier(settings.topic_arn),
    )
    deps = {
        "UnzipLambdaFunction": IntakeDeps(store, apps, notifier, settings),
        "WriteToDynamoLambdaFunction": DetailsRecordDeps(store, apps),
        "CompareFacesLambdaFunction": FaceCheckDeps(applications=apps, settings=settings, faces=faces),
        "CompareDetailsLambdaFunction": DetailsCheckDeps(applications=apps, settings=settings, id_reader=id_reader),
        "DecideLambdaFunction": ConclusionDeps(apps, notifier),
        "RecordErrorLambdaFunction": FailureDeps(apps, notifier, settings),
    }
    with mock_aws(config=SFN_CONFIG):
        role = boto3.client("iam").create_role(RoleName="DocumentStateMachineRole", AssumeRolePolicyDocument="{}")
        arns = create_functions(boto3.client("lambda"), role["Role"]["Arn"], list(deps))
        values = resolve(substitutions(), arns, {"LicenseQueue": stack.queue_url})
        sfn = boto3.client("stepfunctions")
        machine = sfn.create_state_machine(
            name="DocumentStateMachine", definition=definition(values), roleArn=role["Role"]["Arn"]
        )
        invoker = TaskInvoker(handlers(deps))
        moto_patch.install(invoker, os.environ["AWS_ACCESS_KEY_ID"])
        try:
            yield Workflow(stack, sfn, machine["stateMachineArn"], invoker, deps)
        finally:
            moto_patch.uninstall()


def outcome(stack, app_uuid: str = APP) -> dict:
    """What a run leaves behind, without timestamps: the item, what staff were told, what was queued."""
    item = {k: v for k, v in stack.item(app_uuid).items() if k not in TIMESTAMPS}
    notes = [(n["Subject"], n["Message"], n["MessageAttributes"]) for n in stack.notifications()]
    return {"item": item, "notifications": notes, "queued": stack.queued()}


def forget(stack, app_uuid: str = APP) -> None:
    """Remove the application so that the other workflow meets the same upload afresh."""
    stack.dynamodb.delete_item(TableName="CustomerMetadataTable", Key={"APP_UUID": {"S": app_uuid}})
    for url in (stack.tap_url, stack.queue_url):
        stack.sqs.purge_queue(QueueUrl=url)


SCENARIOS = {
    "everything matches": lambda faces, reader: None,
    "selfie of another person": lambda faces, reader: setattr(faces, "similarity", 12.5),
    "no face in the selfie": lambda faces, reader: setattr(faces, "target_faces", 0),
    "details differ": lambda faces, reader: setattr(
        reader, "fields", license_fields({**APPLICANT, "LAST_NAME": "Smith", "ADDRESS": "9 Elm St"})
    ),
    "licence expired": lambda faces, reader: setattr(reader, "fields", license_fields(expires=date(2020, 1, 31))),
    "licence unreadable": lambda faces, reader: setattr(reader, "confidence", 10.0),
    "rekognition down": lambda faces, reader: setattr(faces, "failure", "ThrottlingException"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_both_workflows_leave_the_same_item_notifications_and_queue(
    workflow, document_deps, faces, id_reader, scenario
):
    SCENARIOS[scenario](faces, id_reader)
    body = bundle(APP)
    workflow.stack.upload(APP, body)
    document.handle(load_event("s3_put_8d247914.json"), document_deps)
    part1, paid = outcome(workflow.stack), (len(faces.calls), len(id_reader.calls))
    forget(workflow.stack)

    execution = workflow.run(APP, body)

    assert execution["status"] == "SUCCEEDED", workflow.failures(execution)
    part2 = outcome(workflow.stack)
    assert part2 == part1, workflow.failures(execution)
    assert (len(faces.calls), len(id_reader.calls)) == (2 * paid[0], 2 * paid[1]) == (2, 2)
    assert part1["item"]["APPLICATION_STATUS"] in {"AWAITING_LICENSE_VALIDATION", "REJECTED", "REVIEW", "ERROR"}


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.zip")), ids=lambda path: path.stem)
def test_both_workflows_agree_on_the_sample_bundles(workflow, document_deps, id_reader, sample):
    """The UnitTests bundles (real JPEGs, a licence back, a hostile archive) through both workflows; the vision
    fakes read back the bundle's own details, so every difference would be the orchestration's."""
    app, body = sample.stem, sample.read_bytes()
    with zipfile.ZipFile(sample) as archive:
        id_reader.fields = license_fields(parse_details(archive.read(f"{app}_details.csv")))
    workflow.stack.upload(app, body)
    event = load_event("s3_put_8d247914.json")
    event["Records"][0]["s3"]["object"]["key"] = f"zipped/{app}.zip"
    document.handle(event, document_deps)
    part1 = outcome(workflow.stack, app)
    forget(workflow.stack, app)

    execution = workflow.run(app, body)

    assert outcome(workflow.stack, app) == part1, workflow.failures(execution)
    assert part1["item"]["APPLICATION_STATUS"] == (
        "REJECTED" if "BUNDLE_INVALID" in part1["item"]["REASONS"] else "AWAITING_LICENSE_VALIDATION"
    )


def test_hostile_bundle_ends_the_execution_before_any_paid_call(workflow, faces, id_reader):
    execution = workflow.run(APP, bundle(APP, extra={"../../etc/passwd": b"root"}))

    assert execution["status"] == "SUCCEEDED"
    item = workflow.stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["REASONS"]) == ("REJECTED", ["BUNDLE_INVALID"])
    assert faces.calls == [] and id_reader.calls == []
    assert [name for name, _ in workflow.invoker.calls] == ["UnzipLambdaFunction"]


def test_the_execution_history_carries_no_personal_value(workflow):
    execution = workflow.run(APP, bundle(APP))

    history = workflow.sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    text = json.dumps(history, default=str) + execution.get("output", "")
    assert execution["status"] == "SUCCEEDED" and len(history) > 20
    assert [value for value in APPLICANT.values() if len(value) > 3 and value in text] == []
    assert workflow.stack.queued() == [{"uuid": APP, "app_uuid": APP}]  # the licence message is a pointer
    details = DynamoApplications(get_settings().table).read(APP).results[Check.DETAILS]
    assert details.evidence  # the licence's values and the forms compared: in the record, not in the history
    assert leaks(text, personal_values(APPLICANT, details)) == []



def test_a_task_throttled_twice_then_served_ends_as_if_nothing_happened(workflow, faces):
    workflow.invoker.faults["CompareFacesLambdaFunction"] += [Throttled(), Throttled()]

    execution = workflow.run(APP, bundle(APP))

    assert execution["status"] == "SUCCEEDED"
    assert workflow.invoker.called("CompareFacesLambdaFunction") == 3
    assert len(faces.calls) == 1
    assert workflow.stack.item(APP)["APPLICATION_STATUS"] == "AWAITING_LICENSE_VALIDATION"
    assert len(workflow.stack.queued()) == 1 and workflow.stack.notifications() == []


def test_a_task_failing_for_good_ends_in_error_with_a_notification(workflow, faces, id_reader):
    store = FailingReads(workflow.deps["WriteToDynamoLambdaFunction"].store)
    workflow.deps["WriteToDynamoLambdaFunction"].store = store

    execution = workflow.run(APP, bundle(APP))

    assert (execution["status"], execution["error"]) == ("FAILED", "ProcessingFailed")
    assert store.reads == 4  # the first attempt and three retries
    item = workflow.stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["REASONS"]) == ("ERROR", ["SERVICE_ERROR"])
    assert item["STATUS_DETAIL"] == "step WriteToDynamo failed: ServiceFailure"
    assert faces.calls == [] and id_reader.calls == []
    (note,) = workflow.stack.notifications()
    assert note["Subject"] == f"Application processing ERROR – {APP}"
    assert "WriteToDynamo" in note["Message"]
    assert workflow.stack.queued() == []


def test_a_check_whose_task_fails_for_good_is_an_error_and_the_other_check_still_runs(workflow, faces, id_reader):
    workflow.invoker.faults["CompareFacesLambdaFunction"].append(MemoryError("out of memory"))

    execution = workflow.run(APP, bundle(APP))

    assert execution["status"] == "SUCCEEDED"
    assert faces.calls == [] and len(id_reader.calls) == 1
    item = workflow.stack.item(APP)
    assert (item["APPLICATION_STATUS"], item["REASONS"]) == ("ERROR", ["SERVICE_ERROR"])
    assert item["LICENSE_SELFIE_MATCH_RESULT"]["outcome"] == "ERROR"
    assert item["LICENSE_DETAILS_MATCH"] is True
    note, final = workflow.stack.notifications()
    assert note["Subject"] == f"License photo validation ERROR – {APP}"
    assert "MemoryError" in note["Message"]
    assert final["Subject"] == f"Application ERROR – {APP}"
    assert workflow.stack.queued() == []


def test_a_duplicate_event_starts_no_second_execution(workflow, faces):
    etag = workflow.stack.upload(APP, bundle(APP)).strip('"')
    first = workflow.start(APP, etag)
    workflow.wait(first["execution_name"])

    second = workflow.start(APP, etag)

    assert first == {"execution_name": f"{APP}-{etag}", "started": True}
    assert second == {"execution_name": first["execution_name"], "started": False}
    assert len(workflow.executions()) == 1
    assert len(faces.calls) == 1 and len(workflow.stack.queued()) == 1


def test_a_new_bundle_for_the_same_application_is_refused_without_paying(workflow, faces):
    workflow.run(APP, bundle(APP))
    workflow.stack.queued()

    execution = workflow.run(APP, bundle(APP, {**APPLICANT, "FIRST_NAME": "Other"}))

    assert execution["status"] == "SUCCEEDED" and len(workflow.executions()) == 2
    assert workflow.stack.item(APP)["FIRST_NAME"] == APPLICANT["FIRST_NAME"]
    assert len(faces.calls) == 1
    notes = workflow.stack.notifications()
    assert [n["MessageAttributes"]["check"]["Value"] for n in notes] == ["BUNDLE"]
    assert s3_keys(workflow.stack) == {f"unzipped/{APP}_{m}" for m in ("details.csv", "selfie.png", "license.png")}


def s3_keys(stack) -> set[str]:
    return {o["Key"] for o in stack.s3.list_objects_v2(Bucket=BUCKET, Prefix="unzipped/")["Contents"]}


def test_the_lab_s_input_fails_the_execution_with_what_was_wrong_and_records_nothing(workflow):
    """The lab started its state machine with the S3 event itself; this one is started with {key, etag}."""
    sfn = workflow.sfn
    arn = sfn.start_execution(stateMachineArn=workflow.state_machine_arn, name="lab-input",
                              input=json.dumps(load_event("eventbridge_object_created_8d247914.json")))["executionArn"]

    execution = wait(sfn, arn)

    assert (execution["status"], execution["error"]) == ("FAILED", "MalformedInput")
    assert '{"key": "zipped/<app_uuid>.zip"' in execution["cause"] and "nothing was recorded" in execution["cause"]
    assert workflow.stack.item(APP) is None and workflow.stack.notifications() == []
    assert workflow.invoker.calls == []
