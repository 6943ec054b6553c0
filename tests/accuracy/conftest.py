"""The vision engines, loaded and warmed once per test session and shared by every accuracy test."""

import pytest

from kyc_local.vision.engines import Engines


@pytest.fixture(scope="session")
def engines() -> Engines:
    shared = Engines()
    shared.warm()
    return shared
