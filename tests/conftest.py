"""Suite-wide environment: offline fake AWS credentials and Powertools settings, before anything is imported."""

import os

import pytest

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


@pytest.fixture(scope="module")
def moto_url():
    """A moto server of the module's own on a free local port (its state is the process's moto state)."""
    from moto.server import ThreadedMotoServer  # imported once the environment above is set

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
