"""Settings: one checked model of the environment, read on first use (never at import time).

Every environment variable the core reads is declared here, with its parser and default. Each function's template
entry sets only the variables that function needs, so a variable without a default is checked when it is read: a
missing one is a SettingsError naming it. Every variable that is set is parsed when the settings are first read, so a
malformed value fails the first invocation with its name, whichever setting the code reads first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Generic, TypeVar

T = TypeVar("T")
N = TypeVar("N", int, float)


class SettingsError(RuntimeError):
    """A setting the function needs is missing or malformed; the message names its variable."""


class Variable(Generic[T]):
    """One environment variable: its name, how it is parsed and checked, and its default (None: required)."""

    def __init__(self, name: str, parse: Callable[[str], T], default: str | None = None):
        self.name, self.parse, self.default = name, parse, default

    def __get__(self, settings: Settings, owner: type[Settings] | None = None) -> T:
        return settings.value(self)


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


def _ranged(convert: Callable[[str], N], low: N, high: N) -> Callable[[str], N]:
    """A parser of numbers from `low` to `high` (int() refuses '1.5': a whole number stays whole)."""

    def parse(value: str) -> N:
        number = convert(value)
        if not low <= number <= high:
            raise ValueError(f"must be from {low:g} to {high:g}")
        return number

    return parse


def _flag(value: str) -> bool:
    word = value.strip().lower()
    if word not in {"1", "true", "yes", "0", "false", "no", ""}:
        raise ValueError("must be true or false")
    return word in {"1", "true", "yes"}


def _licence_list(value: str) -> frozenset[str]:
    return frozenset("".join(ch for ch in item if ch.isalnum()).upper() for item in value.split(",") if item.strip())


class Settings:
    """The functions' configuration, from the environment the template gives each function."""

    bucket = Variable("DOCUMENT_BUCKET", _text)
    table = Variable("CUSTOMER_TABLE", _text)
    audit_table = Variable("AUDIT_TABLE", _text)  # the review console's append-only audit trail
    console_client_id = Variable("CONSOLE_CLIENT_ID", _text)  # the staff user pool's app client
    console_url = Variable("CONSOLE_URL", str.strip, "")  # the review console, linked from staff e-mails ("": none)
    topic_arn = Variable("NOTIFICATION_TOPIC_ARN", _text)
    queue_url = Variable("LICENSE_QUEUE_URL", _text)
    validator_url = Variable("VALIDATOR_URL", _text)
    state_machine_arn = Variable("STATE_MACHINE_ARN", _text)
    region = Variable("AWS_REGION", _text)
    face_pass_threshold = Variable("FACE_PASS_THRESHOLD", _ranged(float, 0.0, 100.0), "99.3")  # docs/accuracy.md
    face_fail_threshold = Variable("FACE_FAIL_THRESHOLD", _ranged(float, 0.0, 100.0), "70")
    confidence_floor = Variable("DETAILS_CONFIDENCE_FLOOR", _ranged(float, 0.0, 100.0), "50")
    retention_days = Variable("RETENTION_DAYS", _ranged(int, 1, 3650), "30")
    minimum_age = Variable("MINIMUM_AGE", _ranged(int, 0, 120), "18")
    lease_seconds = Variable("LEASE_SECONDS", _ranged(int, 1, 3600), "90")
    max_receives = Variable("MAX_RECEIVES", _ranged(int, 1, 1000), "5")
    test_mode = Variable("TEST_MODE", _flag, "false")
    revoked_licenses = Variable("REVOKED_LICENSES", _licence_list, "")
    aws_connect_timeout = Variable("AWS_CONNECT_TIMEOUT", _ranged(float, 0.1, 60), "3")
    aws_read_timeout = Variable("AWS_READ_TIMEOUT", _ranged(float, 0.1, 900), "20")
    aws_max_attempts = Variable("AWS_MAX_ATTEMPTS", _ranged(int, 1, 10), "4")

    def __init__(self, environ: Mapping[str, str]):
        self._values: dict[str, Any] = {}
        for variable in _variables():
            raw = environ.get(variable.name, variable.default)
            if raw is None:
                continue
            try:
                self._values[variable.name] = variable.parse(raw)
            except ValueError as error:
                raise SettingsError(f"{variable.name} is malformed: {error}") from None
        low, high = self._values["FACE_FAIL_THRESHOLD"], self._values["FACE_PASS_THRESHOLD"]
        if low > high:
            raise SettingsError(f"FACE_FAIL_THRESHOLD ({low:g}) exceeds FACE_PASS_THRESHOLD ({high:g})")

    def value(self, variable: Variable[T]) -> T:
        try:
            parsed: T = self._values[variable.name]
        except KeyError:
            raise SettingsError(f"{variable.name} is not set") from None
        return parsed


@cache
def _variables() -> tuple[Variable[Any], ...]:
    return tuple(value for value in vars(Settings).values() if isinstance(value, Variable))


@cache
def get_settings() -> Settings:
    """The settings of this process, read and checked once, on first use."""
    environ = dict(os.environ)
    if "AWS_REGION" not in environ and "AWS_DEFAULT_REGION" in environ:
        environ["AWS_REGION"] = environ["AWS_DEFAULT_REGION"]
    return Settings(environ)
