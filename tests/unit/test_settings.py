"""The settings model: typed, checked, and a missing or malformed variable named in the error."""

import pytest
from kyc.settings import Settings, SettingsError

COMPLETE = {"DOCUMENT_BUCKET": "documentbucket-123456789012", "CUSTOMER_TABLE": "t", "AWS_REGION": "eu-west-1"}


def test_values_are_parsed_to_their_types_with_defaults():
    settings = Settings(COMPLETE | {"FACE_PASS_THRESHOLD": "95.5", "TEST_MODE": "True", "REVOKED_LICENSES": "d-1, x2"})
    assert settings.bucket == "documentbucket-123456789012"
    assert (settings.face_fail_threshold, settings.face_pass_threshold) == (70.0, 95.5)
    assert settings.test_mode is True
    assert settings.revoked_licenses == frozenset({"D1", "X2"})
    assert settings.retention_days == 30 and settings.aws_max_attempts == 4


def test_a_missing_variable_is_an_error_naming_it_when_read():
    settings = Settings(COMPLETE)
    with pytest.raises(SettingsError, match="NOTIFICATION_TOPIC_ARN is not set"):
        _ = settings.topic_arn


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FACE_PASS_THRESHOLD", "eighty"),
        ("FACE_FAIL_THRESHOLD", "101"),
        ("RETENTION_DAYS", "0"),
        ("LEASE_SECONDS", "1.5"),
        ("TEST_MODE", "maybe"),
        ("DOCUMENT_BUCKET", "  "),
        ("AWS_READ_TIMEOUT", "-1"),
    ],
)
def test_a_malformed_variable_fails_at_first_read_naming_it(name, value):
    with pytest.raises(SettingsError, match=f"{name} is malformed"):
        Settings(COMPLETE | {name: value})


def test_the_face_fail_threshold_may_not_exceed_the_pass_threshold():
    assert Settings(COMPLETE | {"FACE_FAIL_THRESHOLD": "90", "FACE_PASS_THRESHOLD": "90"}).face_fail_threshold == 90
    with pytest.raises(SettingsError, match=r"FACE_FAIL_THRESHOLD \(91\) exceeds FACE_PASS_THRESHOLD \(90\)"):
        Settings(COMPLETE | {"FACE_FAIL_THRESHOLD": "91", "FACE_PASS_THRESHOLD": "90"})
