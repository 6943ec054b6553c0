"""template.yaml as the local runtime reads it: SAM transform, parameters, conditions and intrinsics (no stack)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from kyc_local import sigv4
from kyc_local.intrinsics import Resolver, TemplateError
from kyc_local.naming import Names
from kyc_local.provision import Provisioner, parameters
from kyc_local.template import load_template, translate
from tests.local.conftest import ROOT


def provisioner(overrides: dict[str, str]) -> Provisioner:
    template = translate(load_template(ROOT / "template.yaml"), {}, "us-east-1")
    names = Names(template["Resources"], "kyc-onboarding", "123456789012", "us-east-1", "http://127.0.0.1:1")
    names.local_api_urls["ValidatorApi"] = "http://127.0.0.1:2"
    return Provisioner(template, overrides, names, ROOT, "us-east-1")


@pytest.mark.parametrize("workflow", ["Lambda", "StepFunctions"])
def test_every_resource_of_template_yaml_resolves(workflow: str) -> None:
    plan = provisioner({"Workflow": workflow})
    for logical, resource in plan.resources.items():
        resolved = plan.resolver.resolve(resource.get("Properties", {}))
        assert "'Ref'" not in str(resolved) and "Fn::" not in str(resolved), logical
    bucket = plan.resolver.resolve(plan.resources["DocumentBucket"]["Properties"])
    assert bucket["BucketName"] == "documentbucket-123456789012"
    notifications = bucket["NotificationConfiguration"]
    assert ("LambdaConfigurations" in notifications) == (workflow == "Lambda")
    assert ("EventBridgeConfiguration" in notifications) == (workflow == "StepFunctions")


def test_the_validator_url_points_at_the_local_api() -> None:
    plan = provisioner({})
    submit = plan.resolver.resolve(plan.resources["SubmitLicenseLambdaFunction"]["Properties"])
    assert plan.localize(submit["Environment"]["Variables"]["VALIDATOR_URL"]) == "http://127.0.0.1:2/license"
    (api,) = [api for api in plan.http_apis() if api.logical_id == "ValidatorApi"]
    (route,) = api.routes
    assert (route.key, route.iam) == ("POST /license", True)
    assert route.function.endswith(":function:kyc-onboarding-ValidateLicenseLambdaFunction")


def test_parameters_are_checked_like_cloudformation() -> None:
    template = {"Parameters": {"Mode": {"Type": "String", "Default": "a", "AllowedValues": ["a", "b"]},
                               "Ids": {"Type": "CommaDelimitedList", "Default": "x,y"}}}
    assert parameters(template, {}) == {"Mode": "a", "Ids": ["x", "y"]}
    with pytest.raises(TemplateError, match="must be one of"):
        parameters(template, {"Mode": "c"})
    with pytest.raises(TemplateError, match="unknown parameters: Other"):
        parameters(template, {"Other": "1"})


def test_intrinsic_functions() -> None:
    template = {"Conditions": {"A": {"Fn::Equals": ["x", {"Ref": "P"}]}, "B": {"Fn::Not": [{"Condition": "A"}]},
                               "C": {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}},
                "Mappings": {"M": {"k": {"v": "mapped"}}}}
    resolver = Resolver(template, {"P": "x", "AWS::Region": "us-east-1"}, ref=lambda name: f"ref-{name}",
                        get_att=lambda name, attribute: f"{name}.{attribute}")
    assert resolver.resolve({"Fn::Sub": "${AWS::Region}/${Res}/${Res.Arn}/${!Literal}"}) == \
        "us-east-1/ref-Res/Res.Arn/${Literal}"
    assert resolver.resolve({"Fn::Sub": ["${a}-${P}", {"a": {"Ref": "P"}}]}) == "x-x"
    assert resolver.resolve({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"
    assert resolver.resolve({"Fn::Join": ["-", ["a", {"Ref": "P"}]]}) == "a-x"
    assert resolver.resolve({"Fn::FindInMap": ["M", "k", "v"]}) == "mapped"
    assert resolver.resolve({"k": {"Fn::If": ["B", "yes", {"Ref": "AWS::NoValue"}]}, "j": 1}) == {"j": 1}
    assert (resolver.condition("A"), resolver.condition("B"), resolver.condition("C")) == (True, False, True)


def _signed(url: str, body: bytes, secret: str = "testing") -> dict[str, str]:
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("testing", secret), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers) | {"Host": "127.0.0.1:9"}


def test_sigv4_verification() -> None:
    url, body = "http://127.0.0.1:9/license?a=1", b'{"driver_license_id": "X"}'
    assert sigv4.verify("POST", url, _signed(url, body), body, "testing", "testing") == "testing"
    with pytest.raises(sigv4.SignatureError, match="Missing Authentication Token"):
        sigv4.verify("POST", url, {"Host": "127.0.0.1:9"}, body, "testing", "testing")
    with pytest.raises(sigv4.SignatureError, match="does not match"):
        sigv4.verify("POST", url, _signed(url, body, secret="other"), body, "testing", "testing")
    with pytest.raises(sigv4.SignatureError):
        sigv4.verify("POST", url, _signed(url, body), body + b" ", "testing", "testing")
    ten_minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    with mock.patch("botocore.auth.get_current_datetime", return_value=ten_minutes_ago):
        old = _signed(url, body)
    with pytest.raises(sigv4.SignatureError, match="expired"):
        sigv4.verify("POST", url, old, body, "testing", "testing")


def test_template_dates_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("AWSTemplateFormatVersion: 2010-09-09\nValue: !GetAtt Res.Arn\nJoined: !Join [',', [a]]\n")
    assert load_template(path) == {"AWSTemplateFormatVersion": "2010-09-09", "Value": {"Fn::GetAtt": ["Res", "Arn"]},
                                   "Joined": {"Fn::Join": [",", ["a"]]}}
