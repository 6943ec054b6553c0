"""Suite-wide environment: offline fake AWS credentials and Powertools settings, before anything is imported."""

import os

SUITE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "kyc-onboarding",
    "POWERTOOLS_METRICS_NAMESPACE": "KycOnboarding",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
}
os.environ.update(SUITE_ENVIRONMENT)


def user_environment() -> dict[str, str]:
    """The environment a user's shell gives the `kyc` command: without the settings above, which are for handlers run
    in the tests' own process (the local runtime sets its functions' environment from template.yaml itself)."""
    return {name: value for name, value in os.environ.items() if name not in SUITE_ENVIRONMENT}
