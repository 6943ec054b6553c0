"""Settings, read from the environment on first use (never at import time) and checked once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Settings:
    bucket: str
    table: str
    topic_arn: str
    queue_url: str
    validator_url: str
    state_machine_arn: str
    similarity_threshold: float
    confidence_floor: float
    retention_days: int
    minimum_age: int
    lease_seconds: int
    max_receives: int
    test_mode: bool
    revoked_licenses: frozenset[str]


def _flag(name: str) -> bool:
    return os.environ.get(name, "false").strip().lower() in {"1", "true", "yes"}


@cache
def get_settings() -> Settings:
    env = os.environ.get
    return Settings(
        bucket=env("DOCUMENT_BUCKET", ""),
        table=env("CUSTOMER_TABLE", ""),
        topic_arn=env("NOTIFICATION_TOPIC_ARN", ""),
        queue_url=env("LICENSE_QUEUE_URL", ""),
        validator_url=env("VALIDATOR_URL", ""),
        state_machine_arn=env("STATE_MACHINE_ARN", ""),
        similarity_threshold=float(env("SIMILARITY_THRESHOLD", "80")),
        confidence_floor=float(env("DETAILS_CONFIDENCE_FLOOR", "50")),
        retention_days=int(env("RETENTION_DAYS", "30")),
        minimum_age=int(env("MINIMUM_AGE", "18")),
        lease_seconds=int(env("LEASE_SECONDS", "90")),
        max_receives=int(env("MAX_RECEIVES", "5")),
        test_mode=_flag("TEST_MODE"),
        revoked_licenses=frozenset(
            "".join(ch for ch in item if ch.isalnum()).upper()
            for item in env("REVOKED_LICENSES", "").split(",")
            if item.strip()
        ),
    )
