"""`kyc invoke` as a developer runs it: every sample event in events/ on the function it is for (the results the
README's table documents), against a running `kyc up` of each workflow (one per class); a SAM-CLI-generated S3 put
event replayed as a duplicate; sam's output, flags and errors; and the stack started for one invocation."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import user_environment
from tests.local.conftest import ROOT, RunningStack, final, kyc_up, upload, wait_for

EVENTS = ROOT / "events"
# `sam local generate-event s3 put --bucket documentbucket-123456789012 --key zipped/8d247914.zip`, SAM CLI 1.170.0
SAM_PUT_EVENT = Path(__file__).parent / "fixtures" / "sam_generate_event_s3_put_8d247914.json"
SAM = ROOT / ".sam-venv" / "bin" / "sam"


def api(status: int, valid: bool | None) -> Callable[[Any], bool]:
    """An HTTP API response with this status code and, in its body, this `valid` (None: no such field)."""
    return lambda response: (response["statusCode"], json.loads(response["body"]).get("valid")) == (status, valid)


def equals(expected: Any) -> Callable[[Any], bool]:
    return lambda response: response == expected


# On a stack where UnitTests' 8d247914, 7a135804 and 9c358026 were uploaded and finished (events/ are their replays;
# the part-2 events carry 8d247914.zip's own ETag)
LAMBDA_WORKFLOW = {
    "s3_put_8d247914.json": ("DocumentLambdaFunction", equals({"statuses": ["APPROVED"]})),
    "s3_put_7a135804.json": ("DocumentLambdaFunction", equals({"statuses": ["REJECTED"]})),
    "s3_put_9c358026.json": ("DocumentLambdaFunction", equals({"statuses": ["REJECTED"]})),
    "sqs_license_batch.json": ("SubmitLicenseLambdaFunction", equals({"batchItemFailures": []})),
    "api_license_valid.json": ("ValidateLicenseLambdaFunction", api(200, True)),
    "api_license_invalid_format.json": ("ValidateLicenseLambdaFunction", api(200, False)),
    "api_license_malformed.json": ("ValidateLicenseLambdaFunction", api(400, None)),
    "api_license_missing_id.json": ("ValidateLicenseLambdaFunction", api(400, None)),
    "api_application_status_8d247914.json": ("ApplicationStatusFunction", lambda response: (
        response["statusCode"], json.loads(response["body"])["status"]) == (200, "APPROVED")),
    "sqs_document_dead_letter_8d247914.json": ("RecordDeadLetterLambdaFunction", equals({"batchItemFailures": []})),
}
# On a Step Functions workflow stack where 8d247914 was uploaded and approved
STEP_FUNCTIONS_WORKFLOW = {
    "eventbridge_object_created_8d247914.json": (
        "StartDocumentWorkflowLambdaFunction",
        lambda response: response["execution_name"] == "8d247914-d70e75a4491a391f9bb35153875a33e5"),
    "sfn_unzip_8d247914.json": ("UnzipLambdaFunction", lambda response: (
        response["checks_due"], response["status"], response["members"]) == (False, "APPROVED", {})),
    "sfn_task_8d247914.json": ("CompareFacesLambdaFunction",
                               equals({"check": "LICENSE_SELFIE_MATCH", "outcome": "PASS"})),
    "sfn_decide_8d247914.json": ("DecideLambdaFunction", lambda response: set(response) == {"status", "message"}),
    "sfn_record_error_8d247914.json": ("RecordErrorLambdaFunction", equals({"status": "APPROVED"})),
}
SAME_EVENT_OTHER_TASKS = [  # the Unzip state's output is the input of three tasks
    ("sfn_task_8d247914.json", "WriteToDynamoLambdaFunction", equals({})),
    ("sfn_task_8d247914.json", "CompareDetailsLambdaFunction",
     equals({"check": "LICENSE_DETAILS_MATCH", "outcome": "PASS"})),
]


def kyc_invoke(*args: str, workdir: Path, stdin: str | None = None,
               timeout: float = 300) -> tuple[subprocess.CompletedProcess, Any]:
    """Run `kyc invoke` as a user would; returns the finished process and its standard output as JSON."""
    command = [sys.executable, "-m", "kyc_local.cli", "invoke", *args, "--workdir", str(workdir)]
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          check=False, env=user_environment())
    return done, json.loads(done.stdout) if done.stdout.strip() else None


def report(stderr: str) -> dict[str, str]:
    """The REPORT line's fields: {"Duration": "12.34 ms", ...}."""
    [line] = [line for line in stderr.splitlines() if line.startswith("REPORT RequestId: ")]
    return dict(field.split(": ", 1) for field in line.split("\t") if field)


def settled_application(stack: RunningStack, app_uuid: str) -> tuple[str, dict[str, int]]:
    """The application's status and its paid calls so far."""
    return final(stack, app_uuid).status, stack.paid_calls()["applications"].get(app_uuid, {})


@pytest.fixture(scope="class")
def lambda_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with kyc_up(tmp_path_factory.mktemp("invoke-lambda")) as stack:
        for app_uuid in ("8d247914", "7a135804", "9c358026"):
            upload(stack, app_uuid)
        for app_uuid in ("8d247914", "7a135804", "9c358026"):
            final(stack, app_uuid)
        yield stack


@pytest.fixture(scope="class")
def step_functions_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with kyc_up(tmp_path_factory.mktemp("invoke-sfn"), "--workflow", "stepfunctions") as stack:
        upload(stack, "8d247914")
        final(stack, "8d247914")
        yield stack


class TestOnTheLambdaWorkflowStack:
    @pytest.mark.parametrize("event_file", sorted(LAMBDA_WORKFLOW))
    def test_sample_event_gives_its_documented_result_and_pays_nothing(self, lambda_stack: RunningStack,
                                                                      event_file: str) -> None:
        function, expected = LAMBDA_WORKFLOW[event_file]
        paid = lambda_stack.paid_calls()
        done, response = kyc_invoke(function, "-e", str(EVENTS / event_file), workdir=lambda_stack.workdir)
        assert done.returncode == 0, done.stderr
        assert expected(response), response
        assert lambda_stack.paid_calls() == paid  # replays of finished applications: nothing is paid for again

    def test_sam_generated_put_event_of_an_upload_is_handled_as_a_duplicate(self, lambda_stack: RunningStack) -> None:
        before = settled_application(lambda_stack, "8d247914")
        reports = lambda_stack.invocations("DocumentLambdaFunction")
        event = SAM_PUT_EVENT.read_text(encoding="utf-8")
        for _ in range(2):  # the same event twice, on standard input as `sam local generate-event ... |` gives it
            done, response = kyc_invoke("DocumentLambdaFunction", "-e", "-", workdir=lambda_stack.workdir, stdin=event)
            assert (done.returncode, response) == (0, {"statuses": ["APPROVED"]}), done.stderr
        assert before == ("APPROVED", {"CompareFaces": 1, "AnalyzeID": 1})
        assert settled_application(lambda_stack, "8d247914") == before  # no second paid call
        # both ran against the running stack: their START/END/REPORT are in its CloudWatch Logs
        wait_for(lambda: lambda_stack.invocations("DocumentLambdaFunction") == reports + 2, 10, "the REPORT lines")

    def test_output_is_sams_response_on_stdout_logs_and_report_on_stderr(self, lambda_stack: RunningStack,
                                                                        tmp_path: Path) -> None:
        done, response = kyc_invoke("ValidateLicenseLambdaFunction", "-e", str(EVENTS / "api_license_valid.json"),
                                    workdir=lambda_stack.workdir)
        assert done.stdout.count("\n") == 1 and response["statusCode"] == 200  # nothing but the response
        fields = report(done.stderr)
        assert set(fields) == {"REPORT RequestId", "Init Duration", "Duration", "Billed Duration", "Memory Size",
                               "Max Memory Used"}
        assert fields["Memory Size"] == "256 MB"  # the template's (Globals)
        assert re.fullmatch(r"\d+ ms", fields["Billed Duration"]) and re.fullmatch(r"\d+ MB", fields["Max Memory Used"])
        assert f"START RequestId: {fields['REPORT RequestId']}" in done.stderr
        assert '"message":"licence validated"' in done.stderr  # the handler's own log line
        assert "D1234567" not in done.stderr  # the licence number is in the event, never in the logs

        log_file = tmp_path / "invoke.log"
        done, _ = kyc_invoke("ValidateLicenseLambdaFunction", "-e", str(EVENTS / "api_license_valid.json"),
                             "--log-file", str(log_file), workdir=lambda_stack.workdir)
        assert "REPORT RequestId" not in done.stderr and report(log_file.read_text(encoding="utf-8"))

    def test_env_vars_file_in_sams_format_overrides_declared_variables(self, lambda_stack: RunningStack,
                                                                      tmp_path: Path) -> None:
        env_vars = tmp_path / "env.json"
        env_vars.write_text(json.dumps({"Parameters": {"NOT_IN_TEMPLATE": "x"},
                                        "ValidateLicenseLambdaFunction": {"REVOKED_LICENSES": "D1234567"}}))
        done, response = kyc_invoke("ValidateLicenseLambdaFunction", "-e", str(EVENTS / "api_license_valid.json"),
                                    "--env-vars", str(env_vars), workdir=lambda_stack.workdir)
        assert done.returncode == 0, done.stderr
        assert api(200, False)(response) and "revoked" in json.loads(response["body"])["reason"]
        assert "not set (as sam): NOT_IN_TEMPLATE" in done.stderr

    def test_function_error_prints_the_error_payload_and_exits_non_zero(self, lambda_stack: RunningStack) -> None:
        done, response = kyc_invoke("DocumentLambdaFunction", "-e", "-", workdir=lambda_stack.workdir, stdin="{}")
        assert done.returncode == 1
        assert response["errorType"] == "MalformedEvent" and "expected" in response["errorMessage"]
        assert "[ERROR] MalformedEvent" in done.stderr and report(done.stderr)

    def test_a_running_stack_is_not_used_with_other_parameters_or_workflow(self, lambda_stack: RunningStack) -> None:
        event = str(EVENTS / "api_license_valid.json")
        for flags in (["--param", "TestMode=true"], ["--parameter-overrides", "ParameterKey=TestMode,ParameterValue=true"],
                      ["--workflow", "stepfunctions"]):
            done, response = kyc_invoke("ValidateLicenseLambdaFunction", "-e", event, *flags,
                                        workdir=lambda_stack.workdir)
            assert (done.returncode, response) == (2, None)
            assert "was not started with" in done.stderr
        done, _ = kyc_invoke("UnzipLambdaFunction", "-e", event, workdir=lambda_stack.workdir)
        assert done.returncode == 2 and "not a function of the running stack (workflow lambda)" in done.stderr


class TestOnTheStepFunctionsWorkflowStack:
    @pytest.mark.parametrize(("event_file", "function", "expected"), [
        *[(name, function, expected) for name, (function, expected) in STEP_FUNCTIONS_WORKFLOW.items()],
        *SAME_EVENT_OTHER_TASKS,
        ("s3_put_8d247914.json", "DocumentLambdaFunction", equals({"statuses": ["APPROVED"]})),
    ])
    def test_sample_event_gives_its_documented_result_and_pays_nothing(
            self, step_functions_stack: RunningStack, event_file: str, function: str,
            expected: Callable[[Any], bool]) -> None:
        done, response = kyc_invoke(function, "-e", str(EVENTS / event_file), workdir=step_functions_stack.workdir)
        assert done.returncode == 0, done.stderr
        assert expected(response), response
        assert settled_application(step_functions_stack, "8d247914") == ("APPROVED",
                                                                         {"CompareFaces": 1, "AnalyzeID": 1})

    def test_the_same_eventbridge_event_starts_one_execution(self, step_functions_stack: RunningStack) -> None:
        event = str(EVENTS / "eventbridge_object_created_8d247914.json")
        for _ in range(2):
            done, response = kyc_invoke("StartDocumentWorkflowLambdaFunction", "-e", event,
                                        workdir=step_functions_stack.workdir)
            assert done.returncode == 0, done.stderr
        assert response["started"] is False  # the execution is named after the upload: ExecutionAlreadyExists


def test_every_sample_event_is_documented_and_listed_for_its_function() -> None:
    documented = {**{name: function for name, (function, _) in LAMBDA_WORKFLOW.items()},
                  **{name: function for name, (function, _) in STEP_FUNCTIONS_WORKFLOW.items()}}
    assert set(documented) == {path.name for path in EVENTS.glob("*.json")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, function in documented.items():
        assert re.search(rf"^\| `events/{re.escape(name)}` \| `{function}`", readme, re.MULTILINE), name

    done = subprocess.run([sys.executable, "-m", "kyc_local.cli", "invoke", "--list"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False, env=user_environment())
    assert done.returncode == 0, done.stderr
    listed: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        if line.startswith("  "):
            listed[function].append(line.strip().removeprefix("events/"))
        else:
            function = line.split()[0]
            listed[function] = []
    for name, function in documented.items():
        assert name in listed[function], (name, function)
    assert listed["SubmitLicenseLambdaFunction"] == ["sqs_license_batch.json"]


def test_sam_cli_generates_the_stored_put_event(tmp_path: Path) -> None:
    if not SAM.exists():
        pytest.skip("no .sam-venv (make .sam-venv/.installed): the stored event stands in for sam's")
    generated = subprocess.run([str(SAM), "local", "generate-event", "s3", "put", "--bucket",
                                "documentbucket-123456789012", "--key", "zipped/8d247914.zip"],
                               capture_output=True, text=True, check=True, timeout=120, cwd=tmp_path,
                               env={**user_environment(), "SAM_CLI_TELEMETRY": "0"})
    assert json.loads(generated.stdout) == json.loads(SAM_PUT_EVENT.read_text(encoding="utf-8"))


def test_without_a_running_stack_one_is_started_for_the_invocation_and_stopped(tmp_path: Path) -> None:
    done, response = kyc_invoke("ValidateLicenseLambdaFunction", "-e", str(EVENTS / "api_license_missing_id.json"),
                                workdir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert api(400, None)(response)
    assert "no stack is running" in done.stderr and report(done.stderr)
    assert not (tmp_path / "stack.json").exists()  # its `kyc up` stopped and said so


def test_version() -> None:
    done = subprocess.run([sys.executable, "-m", "kyc_local.cli", "--version"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=True, env=user_environment())
    assert re.fullmatch(r"kyc \d+\.\d+\.\d+\n", done.stdout)

