"""The details check: the CSV against the licence, the licence's expiry and the applicant's age."""

from __future__ import annotations

from datetime import date

from kyc.matching import compare_details, parse_date, readable, reading_date
from kyc.model import Check, CheckResult, Details, IdDocument, Outcome, Reason, split_evidence


def age_on(birth: date, today: date) -> int:
    """Whole years from birth to today (a 29 February birthday counts from 1 March in common years)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def assess_license(
    details: Details, document: IdDocument, today: date, minimum_age: int, confidence_floor: float
) -> CheckResult:
    """FAIL on a mismatch, an expired licence or an underage applicant; UNDECIDED when a field is unreadable.

    Every applicable reason is given, in Reason order. The detail names fields, never their values; the licence's
    values and the normalised forms compared go to the result's evidence (the record only).
    """
    report, evidence = split_evidence(compare_details(details, document, confidence_floor))
    mismatched = [field for field, entry in report.items() if entry["match"] is False]
    unreadable = [field for field, entry in report.items() if entry["match"] is None]
    expiry_reading = readable(document, "EXPIRATION_DATE", confidence_floor)
    expiry = reading_date(expiry_reading) if expiry_reading else None
    if expiry is None:
        unreadable.append("EXPIRATION_DATE")
    birth = parse_date(details.get("DATE_OF_BIRTH", ""))
    reasons = set()
    if mismatched:
        reasons.add(Reason.DETAILS_MISMATCH)
    if expiry is not None and expiry < today:
        reasons.add(Reason.LICENSE_EXPIRED)
    if birth is not None and age_on(birth, today) < minimum_age:
        reasons.add(Reason.UNDERAGE)
    outcome = Outcome.FAIL if reasons else Outcome.UNDECIDED if unreadable else Outcome.PASS
    if unreadable:
        reasons.add(Reason.LICENSE_UNREADABLE)
    return CheckResult(
        check=Check.DETAILS,
        outcome=outcome,
        reasons=tuple(reason for reason in Reason if reason in reasons),
        detail={"fields": report, "mismatched": mismatched, "unreadable": unreadable},
        evidence=evidence,
    )
