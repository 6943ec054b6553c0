"""Session fixtures: template.yaml parsed once and transformed once."""

from __future__ import annotations

import pytest

from tests.template.stack import load, to_cloudformation


@pytest.fixture(scope="session")
def sam_template() -> dict:
    return load()


@pytest.fixture(scope="session")
def cfn(sam_template) -> dict:
    return to_cloudformation(sam_template)


@pytest.fixture(scope="session")
def resources(cfn) -> dict:
    return cfn["Resources"]
