"""The texts sent to bank staff (SNS e-mail): the lab's subjects plus the app id; never personal data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kyc.model import DETAIL_FIELDS, Check, CheckResult, Outcome, Reason, Status

MAX_SUBJECT_CHARS = 99  # SNS: "less than 100 characters"
_KNOWN_FIELDS = frozenset(DETAIL_FIELDS) | {"EXPIRATION_DATE"}
CHECK_NAMES = {
    Check.FACE: "License photo validation",
    Check.DETAILS: "Data validation between license and CSV",
    Check.VALIDATION: "License validation by third party",
}
_OUTCOME_WORDS = {Outcome.FAIL: "FAILED", Outcome.UNDECIDED: "NEEDS REVIEW", Outcome.ERROR: "ERROR"}
"""A check's subject ends in the lab's FAILED only when the check failed: undecided is not failed."""
CONSOLE_PLACEHOLDER = "<console URL>"
FINAL_EFFECT = "notified:final"  # the record's mark of the final-status message: one per attempt
_NEXT = {
    Status.APPROVED: "The application is approved: open the account; nothing else is needed.",
    Status.REJECTED: "The application is rejected. The applicant may submit a corrected bundle under the same id "
    "(their next attempt); act on the advice below first.",
    Status.REVIEW: "A check could not be decided: review the application in the console and approve it, reject it "
    "or request a resubmission.",
    Status.ERROR: "Processing stopped: fix the cause below, then re-run the application (or have the applicant "
    "upload again: an upload after ERROR starts the next attempt).",
}
_ADVICE = {
    Reason.SELFIE_MISMATCH: "The selfie does not match the license photo: verify the applicant's identity in person "
    "or by video call before any approval.",
    Reason.NO_FACE_SELFIE: "No face was found in the selfie: ask the applicant for a new selfie.",
    Reason.MULTIPLE_FACES_SELFIE: "The selfie shows several faces: ask the applicant for a selfie of themselves alone.",
    Reason.NO_FACE_LICENSE: "No face was found on the license photo: ask the applicant for a sharper photo of the "
    "license front.",
    Reason.DETAILS_MISMATCH: "Compare the listed fields of the application with the license image and correct or "
    "reject the application.",
    Reason.LICENSE_UNREADABLE: "Read the listed fields from the license image yourself and complete the review.",
    Reason.LICENSE_EXPIRED: "The license has expired: ask the applicant for a valid license.",
    Reason.UNDERAGE: "The applicant is under the minimum age: the application cannot be approved.",
    Reason.LICENSE_INVALID: "The issuing authority's check did not confirm the license: do not approve; contact the "
    "applicant if the number may have been misread.",
    Reason.SERVICE_ERROR: "A service failed beyond its retries: check its health and re-run the application.",
    Reason.PROCESSING_LIMIT: "Processing hit a function's time or memory limit: the bundle may be too heavy to "
    "process; inspect it before you re-run the application, or ask the applicant for a new one.",
}


@dataclass(frozen=True)
class Notification:
    subject: str
    body: str
    attributes: dict[str, str]


def _subject(text: str, app_uuid: str) -> str:
    """`<text> – <app_uuid>`, the id shortened with an ellipsis when the whole would reach 100 characters."""
    prefix = f"{text} – "
    room = MAX_SUBJECT_CHARS - len(prefix)
    shown = app_uuid if len(app_uuid) <= room else app_uuid[: room - 1] + "…"
    return prefix + shown


def _clean(text: str) -> str:
    """No line breaks or control characters (SNS subjects and attributes reject them)."""
    return "".join(char if char.isprintable() else "?" for char in str(text))


def _fields(value: object) -> str:
    names = [name for name in value if name in _KNOWN_FIELDS] if isinstance(value, list | tuple) else []
    return ", ".join(names) if names else "none"


def _check_detail(result: CheckResult) -> list[str]:
    """What a check's detail explains, by names and numbers only: the failed service, the face similarity against
    its band, the fields that do not match or could not be read."""
    lines = []
    if isinstance(service := result.detail.get("service"), str):
        lines.append(f"Failed service: {_clean(service)}")
    if result.check is Check.FACE and (face := face_summary(result.detail)):
        lines.append(f"Face similarity: {face}")
    if result.check is Check.DETAILS and ("mismatched" in result.detail or "unreadable" in result.detail):
        lines.append(f"Fields that do not match: {_fields(result.detail.get('mismatched'))}")
        lines.append(f"Fields that could not be read: {_fields(result.detail.get('unreadable'))}")
    return lines


def face_summary(detail: dict[str, Any]) -> str:
    """`91.2 (pass at >= 99.3, fail below 70)`, with the selfie's quality problems; "" without a comparison."""
    similarity, high, low = (detail.get(key) for key in ("similarity", "pass_threshold", "fail_threshold"))
    if not isinstance(high, int | float) or not isinstance(low, int | float):
        return ""
    shown = f"{similarity:.1f}" if isinstance(similarity, int | float) else "none reported"
    text = f"{shown} (pass at >= {high:g}, fail below {low:g})"
    if isinstance(quality := detail.get("quality"), str):
        text += f"; selfie quality: {_clean(quality)}"
    return text


def check_failed(app_uuid: str, result: CheckResult, status: Status) -> Notification:
    """The message for one check that did not pass (failed, undecided or errored)."""
    app_uuid = _clean(app_uuid)
    lines = [
        f"Application: {app_uuid}",
        f"Check: {result.check.value} ({CHECK_NAMES[result.check]})",
        f"Outcome: {result.outcome.value}",
        f"Application status: {status.value}",
        f"Reason codes: {', '.join(result.reasons) or 'none'}",
    ]
    lines += _check_detail(result)
    lines += ["", "What to do:"] + [f"- {_ADVICE[reason]}" for reason in result.reasons if reason in _ADVICE]
    if not status.terminal:
        lines.append("- Nothing yet: the other checks are still running; a message with the final status follows.")
    return Notification(
        subject=_subject(f"{CHECK_NAMES[result.check]} {_OUTCOME_WORDS.get(result.outcome, 'PASSED')}", app_uuid),
        body="\n".join(lines) + "\n",
        attributes={"app_uuid": app_uuid, "check": result.check.value, "outcome": result.outcome.value},
    )


def _console(app_uuid: str, console_url: str | None) -> str:
    """The case's link: the console's shell, which opens the case after sign-in (the case route needs a token)."""
    return f"Review console: {(console_url or CONSOLE_PLACEHOLDER).rstrip('/')}#/console/cases/{app_uuid}\n"


def application_rejected(app_uuid: str, reason: Reason, detail: str, console_url: str | None = None) -> Notification:
    """The final message of a bundle rejected before any check (no paid call was made)."""
    app_uuid = _clean(app_uuid)
    body = (
        f"Application: {app_uuid}\n"
        f"Application status: {Status.REJECTED.value}\n"
        f"Reason code: {reason.value}\n"
        f"Detail: {_clean(detail)}\n"
        "Checks: none run (no paid call was made)\n\n"
        "What to do:\n"
        "- The uploaded bundle broke a safety or format rule and was not processed. Ask the applicant to submit "
        "the application again from the mobile app (a new upload under the same id is its next attempt).\n"
        + _console(app_uuid, console_url)
    )
    return Notification(
        subject=_subject("Application bundle REJECTED", app_uuid),
        body=body,
        attributes={"app_uuid": app_uuid, "check": "BUNDLE", "outcome": Outcome.FAIL.value},
    )


def upload_refused(app_uuid: str, status: Status, attempt: int, max_attempts: int) -> Notification:
    """The message for a new bundle refused because the application may not start another attempt."""
    app_uuid = _clean(app_uuid)
    if status in {Status.REJECTED, Status.ERROR, Status.RESUBMISSION_REQUESTED}:
        why = f"the application has used all {max_attempts} attempts."
    elif status is Status.APPROVED:
        why = "the application is approved; its approved bundle stays the evidence of record."
    elif status is Status.REVIEW:
        why = "the application is under review by bank staff."
    else:
        why = "the application's current bundle is still being checked."
    body = (
        f"Application: {app_uuid}\n"
        f"Application status: {status.value} (unchanged)\n"
        f"Attempt: {attempt}\n"
        f"Reason code: {Reason.DUPLICATE_APPLICATION.value}\n\n"
        f"A new bundle was uploaded and not processed: {why}\n\n"
        "What to do:\n"
        "- Nothing changes for this application. If the applicant needs to correct it, decide the current attempt "
        "first (or request a resubmission); then a new upload starts the next attempt.\n"
    )
    return Notification(
        subject=_subject("Upload REFUSED", app_uuid),
        body=body,
        attributes={"app_uuid": app_uuid, "check": "BUNDLE", "outcome": "REFUSED"},
    )


def service_error(app_uuid: str, service: str, console_url: str | None = None) -> Notification:
    """The final message of an application stopped because a dependency failed beyond its retries."""
    app_uuid = _clean(app_uuid)
    service = _clean(service)
    body = (
        f"Application: {app_uuid}\n"
        f"Failed service: {service}\n"
        f"Application status: {Status.ERROR.value}\n"
        f"Reason code: {Reason.SERVICE_ERROR.value}\n\n"
        "What to do:\n"
        f"- {service} failed beyond its retries. Check its health (and the dead-letter queue), then re-run the "
        "application.\n"
        + _console(app_uuid, console_url)
    )
    return Notification(
        subject=_subject("Application processing ERROR", app_uuid),
        body=body,
        attributes={"app_uuid": app_uuid, "check": "SERVICE", "outcome": Outcome.ERROR.value},
    )


def processing_limit(app_uuid: str, step: str, console_url: str | None = None) -> Notification:
    """The final message of an application stopped because an invocation hit its time or memory limit."""
    app_uuid = _clean(app_uuid)
    body = (
        f"Application: {app_uuid}\n"
        f"Stopped at: {_clean(step)}\n"
        f"Application status: {Status.ERROR.value}\n"
        f"Reason code: {Reason.PROCESSING_LIMIT.value}\n\n"
        "What to do:\n"
        f"- {_ADVICE[Reason.PROCESSING_LIMIT]}\n"
        + _console(app_uuid, console_url)
    )
    return Notification(
        subject=_subject("Application processing ERROR", app_uuid),
        body=body,
        attributes={"app_uuid": app_uuid, "check": "SERVICE", "outcome": Outcome.ERROR.value},
    )


def final_status(
    app_uuid: str,
    status: Status,
    reasons: Iterable[Reason],
    results: Iterable[CheckResult],
    *,
    detail: str | None = None,
    console_url: str | None = None,
) -> Notification:
    """The one message of an application's final status: every check's outcome and reasons, what to do next, and
    the review console's link (a placeholder until the console's URL is configured)."""
    app_uuid = _clean(app_uuid)
    reasons = tuple(reasons)
    by_check = {result.check: result for result in results}
    lines = [
        f"Application: {app_uuid}",
        f"Final status: {status.value}",
        f"Reason codes: {', '.join(reasons) or 'none'}",
    ]
    if detail:
        lines.append(f"Detail: {_clean(detail)}")
    lines += ["", "Checks:"]
    for check in Check:
        result = by_check.get(check)
        if result is None:
            lines.append(f"- {CHECK_NAMES[check]} ({check.value}): not run")
            continue
        because = f" ({', '.join(result.reasons)})" if result.reasons else ""
        lines.append(f"- {CHECK_NAMES[check]} ({check.value}): {result.outcome.value}{because}")
        lines += [f"    {line}" for line in _check_detail(result)]
    advice = [_ADVICE[reason] for reason in reasons if reason in _ADVICE]
    lines += ["", "What to do:", f"- {_NEXT.get(status, 'Nothing: the application is still being processed.')}"]
    lines += [f"- {text}" for text in advice]
    return Notification(
        subject=_subject(f"Application {status.value}", app_uuid),
        body="\n".join(lines) + "\n" + _console(app_uuid, console_url),
        attributes={"app_uuid": app_uuid, "check": "APPLICATION", "outcome": status.value},
    )


_DECIDED = {
    Status.APPROVED: _NEXT[Status.APPROVED],
    Status.REJECTED: "The application is rejected by staff; the applicant sees the reason in the mobile app.",
    Status.RESUBMISSION_REQUESTED: "The applicant is asked for a corrected bundle (their next attempt); nothing "
    "else is needed until it arrives.",
}


def staff_decision(
    app_uuid: str, status: Status, reasons: Iterable[Reason], role: str, *, confirmed: bool = False,
    console_url: str | None = None,
) -> Notification:
    """A staff decision carried out on the console (or a four-eyes decision confirmed): the app id, the decision
    and the decider's role; never a name, a note or the words to the applicant."""
    app_uuid, role = _clean(app_uuid), _clean(role)
    by = f"a {role}, confirming another member of staff's proposal (four-eyes)" if confirmed else f"a {role}"
    body = (
        f"Application: {app_uuid}\n"
        f"Decision: {status.value}\n"
        f"Decided by: {by}\n"
        f"Reason codes: {', '.join(reasons) or 'none'}\n\n"
        "What to do:\n"
        f"- {_DECIDED.get(status, 'Nothing.')}\n"
        + _console(app_uuid, console_url)
    )
    return Notification(
        subject=_subject(f"Staff decision {status.value}", app_uuid),
        body=body,
        attributes={"app_uuid": app_uuid, "check": "STAFF_DECISION", "outcome": status.value},
    )


def confirmation_waiting(app_uuid: str, target: Status, role: str, console_url: str | None = None) -> Notification:
    """A four-eyes decision proposed on the console: a senior (not the proposer) must confirm it."""
    app_uuid, role = _clean(app_uuid), _clean(role)
    body = (
        f"Application: {app_uuid}\n"
        f"Proposed decision: {target.value}\n"
        f"Proposed by: a {role}\n\n"
        "What to do:\n"
        "- A senior other than the proposer: open the case in the console, review the evidence and confirm the "
        "decision (it takes effect only when confirmed).\n"
        + _console(app_uuid, console_url)
    )
    return Notification(
        subject=_subject(f"Four-eyes confirmation WAITING ({target.value})", app_uuid),
        body=body,
        attributes={"app_uuid": app_uuid, "check": "FOUR_EYES", "outcome": "PENDING", "audience": "senior"},
    )
