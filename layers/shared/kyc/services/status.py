"""The status API's use case: what the mobile app may know of an application. Never a personal value."""

from __future__ import annotations

import re
from typing import Any

from kyc.guidance import next_step
from kyc.ports import Applications

_APP_UUID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class UnknownApplication(Exception):
    """No application with that id (or an id that cannot be one): answered 404, the same for both."""


def application_status(app_uuid: str, applications: Applications) -> dict[str, Any]:
    """The status, reason codes, attempt and the applicant's next step of one application: staff's own words when they
    asked for a resubmission, else the step its status and reasons call for."""
    if not _APP_UUID.fullmatch(app_uuid):
        raise UnknownApplication
    record = applications.read(app_uuid)
    if record is None:
        raise UnknownApplication
    return {
        "app_uuid": record.app_uuid,
        "status": str(record.status),
        "reasons": [str(reason) for reason in record.reasons],
        "attempt": record.attempt,
        "next_step": record.applicant_message or next_step(record.status, record.reasons, record.attempt),
        "updated_at": record.updated_at,
    }
