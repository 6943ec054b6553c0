"""The promises template.yaml makes (DESIGN §1–3), read from the CloudFormation the SAM transform produces."""

from __future__ import annotations

import ast

import pytest

from tests.template.stack import ROOT, as_list, function_role, of_type

BUCKET_NAME = {"Fn::Sub": "documentbucket-${AWS::AccountId}"}
BUCKET_ARN = {"Fn::Sub": "arn:${AWS::Partition}:s3:::documentbucket-${AWS::AccountId}"}
FUNCTIONS = ("DocumentLambdaFunction", "SubmitLicenseLambdaFunction", "ValidateLicenseLambdaFunction")
DATA_KEY_ARN = {"Fn::GetAtt": ["DataKey", "Arn"]}
KEY_USE = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey", "kms:GenerateDataKey*", "kms:*"}


def props(resources: dict, name: str) -> dict:
    return resources[name]["Properties"]


# ---------------------------------------------------------------- every store encrypted, every bucket private


def test_every_bucket_is_encrypted_private_and_tls_only(resources):
    policies = {p["Properties"]["Bucket"]["Ref"]: p for p in of_type(resources, "AWS::S3::BucketPolicy").values()}
    buckets = of_type(resources, "AWS::S3::Bucket")
    assert buckets
    for name, bucket in buckets.items():
        [encryption] = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": DATA_KEY_ARN}
        assert encryption["BucketKeyEnabled"] is True
        assert set(bucket["Properties"]["PublicAccessBlockConfiguration"].values()) == {True}
        assert len(bucket["Properties"]["PublicAccessBlockConfiguration"]) == 4
        deny = [
            s
            for s in policies[name]["Properties"]["PolicyDocument"]["Statement"]
            if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert deny and deny[0]["Principal"] == "*" and deny[0]["Action"] == "s3:*"
        assert deny[0]["Resource"] == [{"Fn::GetAtt": [name, "Arn"]}, {"Fn::Sub": f"${{{name}.Arn}}/*"}]


def test_every_table_queue_and_topic_is_encrypted_with_the_data_key(resources):
    tables = of_type(resources, "AWS::DynamoDB::Table")
    assert list(tables) == ["CustomerMetadataTable", "AuditTable"]
    for table in tables.values():
        assert table["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                                           "KMSMasterKeyId": DATA_KEY_ARN}
    queues = of_type(resources, "AWS::SQS::Queue")
    assert len(queues) == 3
    for queue in queues.values():
        assert queue["Properties"]["KmsMasterKeyId"] == {"Ref": "DataKey"}
        assert "SqsManagedSseEnabled" not in queue["Properties"]
    topics = {name: t for name, t in of_type(resources, "AWS::SNS::Topic").items() if name != "AlarmTopic"}
    assert list(topics) == ["ApplicationNotifications"]  # the alarm topic has its own key, for CloudWatch
    for topic in topics.values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Ref": "DataKey"}


def test_every_log_group_is_encrypted_with_the_data_key(resources):
    for group in of_type(resources, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["KmsKeyId"] == DATA_KEY_ARN


def test_the_data_key_rotates_and_only_conditioned_grants_may_use_it(resources):
    key = props(resources, "DataKey")
    assert key["EnableKeyRotation"] is True
    statements = key["KeyPolicy"]["Statement"]
    [workflow_only] = [s for s in statements if "Fn::If" in s]
    condition, events, otherwise = workflow_only["Fn::If"]
    assert condition == "IsStepFunctionsWorkflow" and otherwise == {"Ref": "AWS::NoValue"}
    plain = [s for s in statements if "Fn::If" not in s] + [events]
    for statement in plain:
        assert statement["Effect"] == "Allow" and statement["Principal"] != "*"
        if set(as_list(statement["Action"])) & KEY_USE:
            assert statement["Condition"], statement["Sid"]  # a role pattern, a service, or a source
    [administration] = [s for s in plain if s["Sid"] == "AccountAdministration"]
    assert "Condition" not in administration and not set(administration["Action"]) & KEY_USE
    [roles] = [s for s in plain if s["Sid"] == "StackRoles"]
    assert set(roles["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert roles["Condition"] == {"ArnLike": {"aws:PrincipalArn": {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-*"}}}


# ---------------------------------------------------------------- S3


def test_document_bucket_contract(resources):
    bucket = props(resources, "DocumentBucket")
    assert bucket["BucketName"] == BUCKET_NAME
    expiring = {r["Prefix"]: r["ExpirationInDays"] for r in bucket["LifecycleConfiguration"]["Rules"] if "Prefix" in r}
    assert expiring == {"zipped/": {"Ref": "RetentionDays"}, "unzipped/": {"Ref": "RetentionDays"}}


def test_bucket_keeps_replaced_versions_for_retention_days_only(resources):
    bucket = props(resources, "DocumentBucket")
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r["Status"] == "Enabled"]
    [noncurrent] = [r for r in rules if "NoncurrentVersionExpiration" in r]
    assert noncurrent["NoncurrentVersionExpiration"] == {"NoncurrentDays": {"Ref": "RetentionDays"}}
    assert "Prefix" not in noncurrent and "Filter" not in noncurrent  # every prefix
    assert [r for r in rules if r.get("ExpiredObjectDeleteMarker") is True]


def test_uploads_reach_eventbridge_only_in_the_step_functions_workflow(cfn, resources):
    condition, enabled, otherwise = props(resources, "DocumentBucket")["NotificationConfiguration"][
        "EventBridgeConfiguration"
    ]["Fn::If"]
    assert cfn["Conditions"][condition] == {"Fn::Equals": [{"Ref": "Workflow"}, "StepFunctions"]}
    assert (enabled, otherwise) == ({"EventBridgeEnabled": True}, {"Ref": "AWS::NoValue"})


def test_uploads_trigger_the_document_function_only_in_the_lambda_workflow(cfn, resources):
    condition, configurations, otherwise = props(resources, "DocumentBucket")["NotificationConfiguration"][
        "LambdaConfigurations"
    ]["Fn::If"]
    assert cfn["Conditions"][condition] == {"Fn::Equals": [{"Ref": "Workflow"}, "Lambda"]}
    assert otherwise == {"Ref": "AWS::NoValue"}
    assert configurations == [
        {
            "Event": "s3:ObjectCreated:*",
            "Filter": {
                "S3Key": {"Rules": [{"Name": "prefix", "Value": "zipped/"}]}  # X.ZIP too; other names refused
            },
            "Function": {"Fn::GetAtt": ["DocumentLambdaFunction", "Arn"]},
        }
    ]


def test_s3_may_invoke_the_document_function_for_this_bucket_only(resources):
    [(name, permission)] = [
        (n, p)
        for n, p in of_type(resources, "AWS::Lambda::Permission").items()
        if p["Properties"]["Principal"] == "s3.amazonaws.com"
    ]
    assert permission["Properties"]["FunctionName"] == {"Ref": "DocumentLambdaFunction"}
    assert permission["Properties"]["SourceArn"] == BUCKET_ARN
    assert permission["Properties"]["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert name in as_list(resources["DocumentBucket"]["DependsOn"])


def _mentions(value, name: str) -> bool:
    if isinstance(value, dict):
        if value.get("Ref") == name or (value.get("Fn::GetAtt") or [None])[0] == name:
            return True
        return any(_mentions(v, name) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, name) for v in value)
    return isinstance(value, str) and f"${{{name}" in value


def test_functions_and_roles_name_the_bucket_literally_so_the_notification_makes_no_cycle(resources):
    for function in FUNCTIONS:
        assert not _mentions(resources[function], "DocumentBucket")
        assert not _mentions(function_role(resources, function), "DocumentBucket")
    assert props(resources, "DocumentLambdaFunction")["Environment"]["Variables"]["DOCUMENT_BUCKET"] == BUCKET_NAME


# ---------------------------------------------------------------- DynamoDB


def test_customer_table_contract(resources):
    table = props(resources, "CustomerMetadataTable")
    assert table["KeySchema"] == [{"AttributeName": "APP_UUID", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [
        {"AttributeName": name, "AttributeType": "S"}
        for name in ("APP_UUID", "APPLICATION_STATUS", "UPDATED_AT", "QUEUE", "QUEUED_AT")
    ]
    indexes = {  # StatusUpdated: no longer read; QueueWaiting: the console's queues (kyc.adapters.dynamodb_schema)
        index["IndexName"]: [key["AttributeName"] for key in index["KeySchema"]]
        for index in table["GlobalSecondaryIndexes"]
    }
    assert indexes == {"StatusUpdated": ["APPLICATION_STATUS", "UPDATED_AT"], "QueueWaiting": ["QUEUE", "QUEUED_AT"]}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["TimeToLiveSpecification"] == {"AttributeName": "EXPIRES_AT", "Enabled": True}


def test_table_backups_are_kept_for_recovery_days_at_most_35(cfn, resources):
    recovery = props(resources, "CustomerMetadataTable")["PointInTimeRecoverySpecification"]
    assert recovery == {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": {"Ref": "RecoveryDays"}}
    assert cfn["Parameters"]["RecoveryDays"]["MaxValue"] == 35


# ---------------------------------------------------------------- queues, dead letters, alarms


def test_license_queue_outlasts_the_consumer_and_redrives_after_five_receives(resources):
    queue = props(resources, "LicenseQueue")
    assert queue["VisibilityTimeout"] == 300
    assert queue["VisibilityTimeout"] >= 6 * props(resources, "SubmitLicenseLambdaFunction")["Timeout"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["LicenseDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    assert props(resources, "LicenseDeadLetterQueue")["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_license_queue_keeps_messages_long_enough_for_every_receive_and_an_outage(resources):
    queue = props(resources, "LicenseQueue")
    assert queue["MessageRetentionPeriod"] == 4 * 24 * 3600
    assert queue["MessageRetentionPeriod"] > queue["RedrivePolicy"]["maxReceiveCount"] * queue["VisibilityTimeout"]
    assert queue["MessageRetentionPeriod"] < props(resources, "LicenseDeadLetterQueue")["MessageRetentionPeriod"]


@pytest.mark.parametrize(
    ("queue", "function"),
    [("LicenseQueue", "SubmitLicenseLambdaFunction"), ("DocumentDeadLetterQueue", "RecordDeadLetterLambdaFunction")],
)
def test_each_queue_is_consumed_by_its_function_with_partial_batch_responses(resources, queue, function):
    [mapping] = [
        m["Properties"]
        for m in of_type(resources, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue, "Arn"]}
    ]
    assert mapping["FunctionName"] == {"Ref": function}
    assert mapping["BatchSize"] == 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props(resources, queue)["VisibilityTimeout"] >= 6 * props(resources, function)["Timeout"]


def test_failed_document_events_go_to_their_dead_letter_queue_after_two_retries(resources):
    [config] = [
        c
        for c in of_type(resources, "AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": "DocumentLambdaFunction"}
    ]
    assert config["Properties"]["MaximumRetryAttempts"] == 2
    assert config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["DocumentDeadLetterQueue", "Arn"]
    }
    assert props(resources, "DocumentDeadLetterQueue")["MessageRetentionPeriod"] == 14 * 24 * 3600


def _alarms(resources: dict, metric: str, dimension_value: dict) -> list[dict]:
    return [
        a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == metric and a["Properties"]["Dimensions"][0]["Value"] == dimension_value
    ]


@pytest.mark.parametrize("queue", ["LicenseDeadLetterQueue", "DocumentDeadLetterQueue"])
def test_a_message_in_a_dead_letter_queue_raises_an_alarm(resources, queue):
    [alarm] = _alarms(resources, "ApproximateNumberOfMessagesVisible", {"Fn::GetAtt": [queue, "QueueName"]})
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_errors_raise_an_alarm(resources, function):
    [alarm] = _alarms(resources, "Errors", {"Ref": function})
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "GreaterThanOrEqualToThreshold")
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_cloudwatch_may_use_the_alarm_topic_key(resources):
    assert props(resources, "AlarmTopic")["KmsMasterKeyId"] == {"Ref": "AlarmTopicKey"}
    key = props(resources, "AlarmTopicKey")
    assert key["EnableKeyRotation"] is True
    [grant] = [s for s in key["KeyPolicy"]["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert set(grant["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_staff_email_subscriptions_are_optional(resources):
    assert resources["ApplicationNotificationsEmail"]["Condition"] == "HasNotificationEmail"
    assert resources["AlarmTopicEmail"]["Condition"] == "HasAnyAlarmEmail"


# ---------------------------------------------------------------- the validator API


def test_every_validator_route_requires_iam_auth(resources):
    body = props(resources, "ValidatorApi")["Body"]
    assert list(body["paths"]) == ["/license"] and list(body["paths"]["/license"]) == ["post"]
    for route in body["paths"].values():
        for operation in route.values():
            assert operation["security"] == [{"AWS_IAM": []}]
    assert body["components"]["securitySchemes"]["AWS_IAM"]["x-amazon-apigateway-authtype"] == "awsSigv4"


def test_every_api_stage_is_throttled_and_logged_to_its_own_group(resources):
    stages = {stage["Properties"]["ApiId"]["Ref"]: stage["Properties"]
              for stage in of_type(resources, "AWS::ApiGatewayV2::Stage").values()}
    assert set(stages) == {"ValidatorApi", "ApplicationsApi", "ConsoleApi"}
    for api, stage in stages.items():
        assert {"ThrottlingBurstLimit", "ThrottlingRateLimit"} <= set(stage["DefaultRouteSettings"])
        assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": [f"{api}AccessLogs", "Arn"]}


def test_submitter_calls_the_validator_route_it_may_invoke(resources):
    url = props(resources, "SubmitLicenseLambdaFunction")["Environment"]["Variables"]["VALIDATOR_URL"]
    assert url == {"Fn::Sub": "https://${ValidatorApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/license"}


# ---------------------------------------------------------------- functions


def upload_driven(resources: dict) -> set[str]:
    """Functions that run for every upload: S3's notification targets, the rules' targets, the state machines'
    tasks."""
    found = set()
    for bucket in of_type(resources, "AWS::S3::Bucket").values():
        configurations = bucket["Properties"].get("NotificationConfiguration", {}).get("LambdaConfigurations", {})
        condition_value = configurations.get("Fn::If", [None, configurations])[1]
        found |= {c["Function"]["Fn::GetAtt"][0] for c in as_list(condition_value)}
    for rule in of_type(resources, "AWS::Events::Rule").values():
        found |= {t["Arn"]["Fn::GetAtt"][0] for t in rule["Properties"]["Targets"]}
    for machine in of_type(resources, "AWS::StepFunctions::StateMachine").values():
        substitutions = machine["Properties"]["DefinitionSubstitutions"].values()
        found |= {v["Fn::GetAtt"][0] for v in substitutions if "Fn::GetAtt" in v}
    for mapping in of_type(resources, "AWS::Lambda::EventSourceMapping").values():  # the failed upload events
        if mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["DocumentDeadLetterQueue", "Arn"]}:
            found.add(mapping["Properties"]["FunctionName"]["Ref"])
    return {name for name in found if resources[name]["Type"] == "AWS::Lambda::Function"}


def test_upload_driven_functions_are_capped_by_upload_concurrency(cfn, resources):
    capped = upload_driven(resources)
    assert len(capped) == 9  # part 1's document function, part 2's starter and six tasks, the dead-letter consumer
    for function in capped:
        assert props(resources, function)["ReservedConcurrentExecutions"] == {"Ref": "UploadConcurrency"}
    assert cfn["Parameters"]["UploadConcurrency"]["MinValue"] >= 1  # 0 would stop the functions


def test_every_other_function_has_a_concurrency_of_its_own(resources):
    mapping = props(resources, "LicenseQueueEventSourceMapping")
    assert props(resources, "SubmitLicenseLambdaFunction")["ReservedConcurrentExecutions"] == mapping[
        "ScalingConfig"]["MaximumConcurrency"]
    assert props(resources, "ValidateLicenseLambdaFunction")["ReservedConcurrentExecutions"] >= mapping[
        "ScalingConfig"]["MaximumConcurrency"]
    assert props(resources, "ApplicationStatusFunction")["ReservedConcurrentExecutions"] == 10


def test_the_status_api_is_iam_authorised_and_throttled(sam_template):
    api = sam_template["Resources"]["ApplicationsApi"]["Properties"]
    assert api["Auth"]["DefaultAuthorizer"] == "AWS_IAM"
    assert api["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50}
    event = sam_template["Resources"]["ApplicationStatusFunction"]["Properties"]["Events"]["Status"]["Properties"]
    assert (event["Method"], event["Path"]) == ("GET", "/applications/{app_uuid}")
    assert event["Auth"] == {"Authorizer": "AWS_IAM"}
    [statement] = sam_template["Resources"]["MobileAppStatusPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "execute-api:Invoke"
    assert statement["Resource"]["Fn::Sub"].endswith("/GET/applications/*")


@pytest.mark.parametrize(
    ("function", "timeout", "memory"),
    [
        ("DocumentLambdaFunction", 60, 1024),
        ("SubmitLicenseLambdaFunction", 30, 256),
        ("ValidateLicenseLambdaFunction", 30, 256),
    ],
)
def test_function_runtime(cfn, resources, function, timeout, memory):
    function_props = props(resources, function)
    seconds = function_props["Timeout"]
    if isinstance(seconds, dict):  # a parameter (DocumentTimeout): its default
        seconds = cfn["Parameters"][seconds["Ref"]]["Default"]
    assert function_props["Runtime"] == "python3.12" and function_props["Architectures"] == ["x86_64"]
    assert function_props["Handler"] == "app.lambda_handler"
    assert function_props["TracingConfig"] == {"Mode": "Active"}
    assert (seconds, function_props["MemorySize"]) == (timeout, memory)
    [layer] = function_props["Layers"]
    assert resources[layer["Ref"]]["Type"] == "AWS::Lambda::LayerVersion"
    assert function_props["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "kyc-onboarding"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_logs_are_kept_for_log_retention_days(resources, function):
    [group] = [
        g["Properties"]
        for g in of_type(resources, "AWS::Logs::LogGroup").values()
        if g["Properties"].get("LogGroupName") == {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
    ]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def _settings_variables() -> set[str]:
    """The environment variables kyc/settings.py reads."""
    tree = ast.parse((ROOT / "layers/shared/kyc/settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.isupper()
    }


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_app_setting_in_the_template_is_one_the_code_reads(resources, function):
    names = set(props(resources, function)["Environment"]["Variables"])
    app_settings = {n for n in names if not n.startswith("POWERTOOLS_")}
    assert app_settings and app_settings <= _settings_variables()


def test_outputs_name_every_endpoint(cfn):
    values = [o["Value"] for o in cfn["Outputs"].values()]
    for resource in (
        "DocumentBucket",
        "CustomerMetadataTable",
        "ApplicationNotifications",
        "LicenseQueue",
        "LicenseDeadLetterQueue",
        "DocumentDeadLetterQueue",
    ):
        assert {"Ref": resource} in values
    assert {"Fn::Sub": "https://${ValidatorApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/license"} in values


def test_the_audit_table_is_append_only_for_every_principal(resources):
    table = props(resources, "AuditTable")
    assert [key["AttributeName"] for key in table["KeySchema"]] == ["CASE_ID", "SEQUENCE"]
    assert table["DeletionProtectionEnabled"] is True
    (deny,) = table["ResourcePolicy"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Principal"]) == ("Deny", "*")
    assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= set(deny["Action"])


def test_the_console_routes_are_behind_the_staff_pool_jwt_authorizer_but_the_sign_in(sam_template):
    api = sam_template["Resources"]["ConsoleApi"]["Properties"]["Auth"]
    assert api["DefaultAuthorizer"] == "StaffJwt"
    jwt = api["Authorizers"]["StaffJwt"]["JwtConfiguration"]
    assert jwt["audience"] == [{"Ref": "StaffUserPoolClient"}]
    assert jwt["issuer"] == {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}"}
    events = sam_template["Resources"]["ConsoleFunction"]["Properties"]["Events"]
    public = {e["Properties"]["Path"] for e in events.values() if e["Properties"].get("Auth") == {"Authorizer": "NONE"}}
    assert public == {"/console", "/console/static/{name}"}  # the shell and its script: no data
    groups = {r["Properties"]["GroupName"] for r in sam_template["Resources"].values()
              if r["Type"] == "AWS::Cognito::UserPoolGroup"}
    assert groups == {"reviewer", "senior", "admin", "auditor"}


def test_every_function_that_tells_staff_links_the_review_console(resources):
    telling = {name for name, resource in of_type(resources, "AWS::Lambda::Function").items()
               if "NOTIFICATION_TOPIC_ARN" in resource["Properties"].get("Environment", {}).get("Variables", {})}
    assert len(telling) == 7
    for name in telling - {"ConsoleFunction"}:
        url = props(resources, name)["Environment"]["Variables"]["CONSOLE_URL"]
        assert url == {"Fn::Sub": "https://${ConsoleApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/console"}
    # ConsoleApi's routes name the console function (a cycle): its e-mails link the API its request came through
    assert "CONSOLE_URL" not in props(resources, "ConsoleFunction")["Environment"]["Variables"]
