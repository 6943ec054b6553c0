"""Part 2 in template.yaml: DocumentStateMachine's definition, substitutions, role, start, logs and alarm."""

from __future__ import annotations

import json
import re

import pytest
from cfnlint.api import ManualArgs, lint
from kyc.model import Reason
from kyc.services.failure import LIMIT_ERRORS, failure_reason

from tests.template.stack import ROOT, as_list, of_type
from tests.template.test_template_structure import _settings_variables

DEFINITION_FILE = ROOT / "statemachine" / "document.asl.json"
DEFINITION = json.loads(DEFINITION_FILE.read_text())
LAMBDA_TRANSIENT = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
}
PART_2 = "IsStepFunctionsWorkflow"


def props(resources: dict, name: str) -> dict:
    return resources[name]["Properties"]


def all_states(machine: dict) -> dict[str, dict]:
    """Every state, those inside Parallel branches included, by name."""
    found = {}
    for name, state in machine["States"].items():
        found[name] = state
        for branch in state.get("Branches", []):
            found |= all_states(branch)
    return found


def lambda_tasks() -> dict[str, dict]:
    return {
        name: state
        for name, state in all_states(DEFINITION).items()
        if state.get("Resource") == "arn:aws:states:::lambda:invoke"
    }


def substitutions(resources: dict) -> dict:
    return props(resources, "DocumentStateMachine")["DefinitionSubstitutions"]


# ---------------------------------------------------------------- the definition


def test_every_placeholder_has_a_substitution_and_every_substitution_is_used(resources):
    placeholders = set(re.findall(r"\$\{(\w+)\}", DEFINITION_FILE.read_text()))
    assert placeholders == set(substitutions(resources))


def test_every_substitution_resolves_to_a_resource_of_the_template(resources):
    for name, value in substitutions(resources).items():
        if "Fn::GetAtt" in value:
            function, attribute = value["Fn::GetAtt"]
            assert (resources[function]["Type"], attribute) == ("AWS::Lambda::Function", "Arn"), name
            assert resources[function]["Condition"] == PART_2
        else:
            assert resources[value["Ref"]]["Type"] == "AWS::SQS::Queue", name


def test_cfn_lint_accepts_the_definition():
    """cfn-lint validates a definition only when it is written inline (rule E3601): lint it that way."""
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "DocumentStateMachine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": "arn:aws:iam::123456789012:role/DocumentStateMachineRole",
                    "Definition": DEFINITION,
                    "DefinitionSubstitutions": dict.fromkeys(
                        re.findall(r"\$\{(\w+)\}", DEFINITION_FILE.read_text()), "placeholder"
                    ),
                },
            }
        },
    }
    matches = lint(json.dumps(template), config=ManualArgs())
    assert [f"{m.rule.id} {m.message}" for m in matches] == []


def _transitions(state: dict) -> list[str]:
    targets = [state.get("Next"), state.get("Default")]
    targets += [choice["Next"] for choice in state.get("Choices", [])]
    targets += [catcher["Next"] for catcher in state.get("Catch", [])]
    return [target for target in targets if target]


@pytest.mark.parametrize(
    "machine", [DEFINITION, *DEFINITION["States"]["PerformChecks"]["Branches"]], ids=["top", "faces", "details"]
)
def test_every_transition_names_a_state_of_its_scope_and_every_state_is_reached(machine):
    states = machine["States"]
    reached, pending = set(), [machine["StartAt"]]
    while pending:
        name = pending.pop()
        assert name in states, f"no state {name}"
        if name not in reached:
            reached.add(name)
            pending += _transitions(states[name])
    assert reached == set(states)


def test_the_lab_states_run_in_order():
    states = DEFINITION["States"]
    assert DEFINITION["StartAt"] == "CheckInput"
    assert states["CheckInput"]["Choices"][0]["Next"] == "Unzip" and states["CheckInput"]["Default"] == "MalformedInput"
    assert states["ChecksDue"]["Choices"][0]["Next"] == "WriteToDynamo"
    assert states["WriteToDynamo"]["Next"] == "PerformChecks"
    assert [b["StartAt"] for b in states["PerformChecks"]["Branches"]] == ["CompareFaces", "CompareDetails"]
    assert states["PerformChecks"]["Next"] == "Decide"
    assert states["LicenseValidationDue"]["Choices"] == [
        {"Variable": "$.decision.status", "StringEquals": "AWAITING_LICENSE_VALIDATION", "Next": "ValidateSend"}
    ]
    assert states["ValidateSend"]["Resource"] == "arn:aws:states:::sqs:sendMessage"
    assert states["ValidateSend"]["Parameters"]["QueueUrl"] == "${LicenseQueueUrl}"


@pytest.mark.parametrize("name", sorted(lambda_tasks()))
def test_every_lambda_task_retries_transient_errors_with_backoff_and_full_jitter(name):
    retriers = lambda_tasks()[name]["Retry"]
    transient = [r for r in retriers if LAMBDA_TRANSIENT <= set(r["ErrorEquals"])]
    assert len(transient) == 1
    assert {"States.Timeout", "ServiceFailure"} <= set(transient[0]["ErrorEquals"])
    assert transient[0]["JitterStrategy"] == "FULL"
    assert transient[0]["BackoffRate"] >= 2 and transient[0]["MaxAttempts"] >= 2
    assert not [r for r in retriers if "States.ALL" in r["ErrorEquals"] or "States.TaskFailed" in r["ErrorEquals"]]


@pytest.mark.parametrize("name", sorted(lambda_tasks()))
def test_every_lambda_task_times_out_after_its_function(cfn, resources, name):
    """Lambda stops the function first (Sandbox.Timedout), whatever value a Timeout parameter is given."""
    task = lambda_tasks()[name]
    function = {key: value["Fn::GetAtt"][0] for key, value in substitutions(resources).items() if "Fn::GetAtt" in value}
    placeholder = task["Parameters"]["FunctionName"].strip("${}")
    timeout = props(resources, function[placeholder])["Timeout"]
    longest = cfn["Parameters"][timeout["Ref"]]["MaxValue"] if isinstance(timeout, dict) else timeout
    assert task["TimeoutSeconds"] > longest


def test_what_fails_for_good_is_caught():
    """Top-level steps go to RecordError; a check's failure stays in its branch, so the other check still runs."""
    states = DEFINITION["States"]
    for name in ("Unzip", "WriteToDynamo", "PerformChecks", "Decide", "ValidateSend"):
        assert states[name]["Catch"] == [
            {"ErrorEquals": ["States.ALL"], "ResultPath": f"$.failed.{name}", "Next": "RecordError"}
        ]
    for branch in states["PerformChecks"]["Branches"]:
        task = branch["States"][branch["StartAt"]]
        limit, failure = task["Catch"]
        assert set(limit["ErrorEquals"]) == LIMIT_ERRORS
        assert branch["States"][limit["Next"]] | {"Comment": ""} == {
            "Type": "Fail", "Comment": "", "ErrorPath": f"{limit['ResultPath']}.Error",
            "CausePath": f"{limit['ResultPath']}.Cause",
        }
        assert failure["ErrorEquals"] == ["States.ALL"]
        assert branch["States"][failure["Next"]]["Parameters"]["outcome"] == "ERROR"
    assert states["RecordError"]["Next"] == "ProcessingFailed"
    assert states["ProcessingFailed"]["Type"] == "Fail"


def test_a_check_stopped_at_its_limit_fails_its_branch_with_its_own_error_so_record_error_records_the_limit():
    """A check that hit its time or memory limit is no check result: the branch's Fail state raises the task's
    error, PerformChecks catches it into $.failed, and RecordError chooses PROCESSING_LIMIT from the name."""
    states = DEFINITION["States"]
    assert LIMIT_ERRORS >= {"States.Timeout", "Sandbox.Timedout", "Runtime.ExitError"}
    for error in LIMIT_ERRORS:
        assert failure_reason(error) is Reason.PROCESSING_LIMIT
    assert failure_reason("ServiceFailure") is failure_reason("States.TaskFailed") is Reason.SERVICE_ERROR
    assert states["RecordError"]["Parameters"]["Payload"]["failed.$"] == "$.failed"
    [catcher] = states["PerformChecks"]["Catch"]
    assert (catcher["ResultPath"], catcher["Next"]) == ("$.failed.PerformChecks", "RecordError")


def test_only_the_license_message_is_ever_taken_from_a_task_result_into_sqs():
    """The state carries ids, keys and outcomes; the one personal value is the message ValidateSend sends."""
    states = DEFINITION["States"]
    assert states["Decide"]["ResultSelector"] == {"status.$": "$.Payload.status", "message.$": "$.Payload.message"}
    assert states["ValidateSend"]["Parameters"]["MessageBody.$"] == "States.JsonToString($.decision.message)"
    assert states["ValidateSend"]["ResultPath"] == "$.decision.message"  # the message leaves the state once sent


# ---------------------------------------------------------------- the resources


def test_the_workflow_exists_only_in_the_step_functions_workflow(cfn, resources):
    assert cfn["Conditions"][PART_2] == {"Fn::Equals": [{"Ref": "Workflow"}, "StepFunctions"]}
    part_2 = {name for name, resource in resources.items() if resource.get("Condition") == PART_2}
    assert {
        "DocumentStateMachine",
        "DocumentStateMachineRole",
        "DocumentStateMachineLogGroup",
        "DocumentStateMachineFailedAlarm",
        "DocumentUploadedRule",
        "DocumentUploadedRuleInvokePermission",
        "DocumentDeadLetterQueuePolicy",
        "StartDocumentWorkflowEventInvokeConfig",
    } <= part_2
    functions = {name for name in of_type(resources, "AWS::Lambda::Function") if name in part_2}
    assert len(functions) == 7
    for function in functions:
        assert {f"{function}Role", f"{function}LogGroup"} <= part_2
    assert cfn["Outputs"]["DocumentStateMachineArn"]["Condition"] == PART_2


def test_the_state_machine_role_may_invoke_exactly_the_task_functions_and_send_to_license_queue(resources):
    role = resources[props(resources, "DocumentStateMachine")["RoleArn"]["Fn::GetAtt"][0]]
    statements = [s for p in role["Properties"]["Policies"] for s in as_list(p["PolicyDocument"]["Statement"])]
    by_action = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            by_action.setdefault(action, []).extend(as_list(statement["Resource"]))
    tasks = [value for value in substitutions(resources).values() if "Fn::GetAtt" in value]
    assert sorted(map(str, by_action.pop("lambda:InvokeFunction"))) == sorted(map(str, tasks))
    assert by_action.pop("sqs:SendMessage") == [{"Fn::GetAtt": ["LicenseQueue", "Arn"]}]
    assert by_action.pop("kms:GenerateDataKey") == by_action.pop("kms:Decrypt") == [{"Fn::GetAtt": ["DataKey", "Arn"]}]
    assert set(by_action) == {
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    }
    assert all(granted == ["*"] for granted in by_action.values())  # log delivery takes no resource
    assert role["Properties"]["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"]


def test_executions_are_traced_and_logged_without_their_data(resources):
    machine = props(resources, "DocumentStateMachine")
    assert machine["StateMachineType"] == "STANDARD"  # exactly-once steps, execution names unique for 90 days
    assert machine["TracingConfiguration"] == {"Enabled": True}
    logging = machine["LoggingConfiguration"]
    assert logging["IncludeExecutionData"] is False
    [destination] = logging["Destinations"]
    group = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert props(resources, group)["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_a_failed_execution_raises_an_alarm(resources):
    alarm = props(resources, "DocumentStateMachineFailedAlarm")
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/States", "ExecutionsFailed")
    assert alarm["Dimensions"] == [{"Name": "StateMachineArn", "Value": {"Ref": "DocumentStateMachine"}}]
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_an_upload_to_zipped_starts_the_workflow_through_the_starter(resources):
    rule = props(resources, "DocumentUploadedRule")
    assert rule["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [{"Ref": "DocumentBucket"}]}, "object": {"key": [{"prefix": "zipped/"}]}},
    }
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["StartDocumentWorkflowLambdaFunction", "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["DocumentDeadLetterQueue", "Arn"]}}
    permission = props(resources, "DocumentUploadedRuleInvokePermission")
    assert (permission["Principal"], permission["SourceArn"]) == (
        "events.amazonaws.com",
        {"Fn::GetAtt": ["DocumentUploadedRule", "Arn"]},
    )
    starter = props(resources, "StartDocumentWorkflowLambdaFunction")
    assert starter["Environment"]["Variables"]["STATE_MACHINE_ARN"] == {"Ref": "DocumentStateMachine"}


def test_events_the_starter_cannot_handle_end_in_the_document_dead_letter_queue(resources):
    config = props(resources, "StartDocumentWorkflowEventInvokeConfig")
    assert config["FunctionName"] == {"Ref": "StartDocumentWorkflowLambdaFunction"}
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["DocumentDeadLetterQueue", "Arn"]}
    [statement] = props(resources, "DocumentDeadLetterQueuePolicy")["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["DocumentUploadedRule", "Arn"]}}}


PART_2_FUNCTIONS = (
    "StartDocumentWorkflowLambdaFunction",
    "UnzipLambdaFunction",
    "WriteToDynamoLambdaFunction",
    "CompareFacesLambdaFunction",
    "CompareDetailsLambdaFunction",
    "DecideLambdaFunction",
    "RecordErrorLambdaFunction",
)


@pytest.mark.parametrize("function", PART_2_FUNCTIONS)
def test_part_2_functions_are_traced_logged_and_configured_with_settings_the_code_reads(resources, function):
    function_props = props(resources, function)
    assert function_props["TracingConfig"] == {"Mode": "Active"}
    assert function_props["Handler"] == "app.lambda_handler"
    [group] = [
        g["Properties"]
        for g in of_type(resources, "AWS::Logs::LogGroup").values()
        if g["Properties"].get("LogGroupName") == {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    ]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    names = {n for n in function_props["Environment"]["Variables"] if not n.startswith("POWERTOOLS_")}
    assert names <= _settings_variables()
