"""S3DocumentStore.has_member against moto: a stored member is told apart from an absent one and from a failure."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from kyc.adapters.s3 import S3DocumentStore
from kyc.model import ServiceFailure

from tests.integration.conftest import BUCKET


def test_a_stored_member_is_told_apart_from_an_absent_one(stack):
    stack.s3.put_object(Bucket=BUCKET, Key="unzipped/a1_license_back.png", Body=b"png")
    store = S3DocumentStore(BUCKET)
    assert store.has_member("unzipped/a1_license_back.png")
    assert not store.has_member("unzipped/a2_license_back.png")


def test_a_member_that_cannot_be_read_is_a_service_failure(stack):
    s3 = boto3.client("s3", region_name="us-east-1")
    with Stubber(s3) as stubber:
        stubber.add_client_error("head_object", "403", http_status_code=403)  # HEAD: no body, the status as code
        with pytest.raises(ServiceFailure):
            S3DocumentStore(BUCKET, s3).has_member("unzipped/a1_license_back.png")
