"""ApplicationStatusFunction driven by events/api_application_status_8d247914.json against moto."""

from __future__ import annotations

import json

from tests.integration.conftest import load_event
from tests.support.bundles import APPLICANT, bundle
from tests.support.handlers import LambdaContext, handler_module

status_api = handler_module("application_status")
document = handler_module("document")
APP = "8d247914"


def ask(app_uuid: str = APP) -> dict:
    event = load_event("api_application_status_8d247914.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/applications/{app_uuid}"
    event["pathParameters"] = {"app_uuid": app_uuid}
    return status_api.lambda_handler(event, LambdaContext())


def test_the_mobile_app_reads_the_status_its_reasons_and_its_next_step(stack, document_deps, faces):
    faces.similarity = 12.0
    stack.upload(APP, bundle(APP))
    document.handle(load_event("s3_put_8d247914.json"), document_deps)

    response = ask()

    assert response["statusCode"] == 200 and response["headers"]["Content-Type"] == "application/json"
    answer = json.loads(response["body"])
    assert (answer["status"], answer["reasons"], answer["attempt"]) == (
        "AWAITING_LICENSE_VALIDATION", ["SELFIE_MISMATCH"], 1
    )
    assert [value for value in APPLICANT.values() if len(value) > 3 and value in response["body"]] == []


def test_an_unknown_application_is_404_like_an_impossible_id(stack):
    assert ask("nobody")["statusCode"] == 404
    assert ask("not%20an%20id")["statusCode"] == 404
    assert json.loads(ask("nobody")["body"]) == {"message": "no such application"}
