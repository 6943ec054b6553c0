"""What an applicant is told: the next step for a status and its reasons, in the mobile app's words.

Never a personal value, never the detail staff see: the reason codes and a step the applicant can take."""

from __future__ import annotations

from kyc.lifecycle import MAX_ATTEMPTS, REOPENABLE
from kyc.model import Reason, Status

_WAIT = "Nothing to do: your application is being checked. Ask again in a minute."
_STEPS: dict[Reason, str] = {
    Reason.BUNDLE_INVALID: "Submit your application again from the app: the upload could not be read.",
    Reason.CSV_INVALID: "Check the personal details you entered and submit them again.",
    Reason.IMAGE_INVALID: "Retake the photos in the app and submit again: a photo could not be read.",
    Reason.NO_FACE_SELFIE: "Retake the selfie: your whole face, in good light, looking at the camera.",
    Reason.MULTIPLE_FACES_SELFIE: "Retake the selfie with only yourself in the picture.",
    Reason.NO_FACE_LICENSE: "Photograph the whole front of your licence, flat, without glare on the photo.",
    Reason.SELFIE_MISMATCH: "Retake the selfie: your whole face, in good light, without glasses or a hat.",
    Reason.DETAILS_MISMATCH: "Check that your details are exactly as printed on your licence and submit again.",
    Reason.LICENSE_UNREADABLE: "Photograph the whole licence, flat, in good light, without glare, and submit again.",
    Reason.LICENSE_EXPIRED: "Submit again with a licence that has not expired.",
    Reason.UNDERAGE: "You cannot open this account: you are under the minimum age.",
    Reason.LICENSE_INVALID: "The licence could not be confirmed by its issuer: contact the bank.",
    Reason.DUPLICATE_APPLICATION: "This application is already decided or in progress: contact the bank.",
    Reason.SERVICE_ERROR: "Nothing to do now: the bank will retry your application and contact you.",
}
_FINAL = {
    Status.APPROVED: "Nothing to do: your application is approved.",
    Status.REVIEW: "Nothing to do now: bank staff are reviewing your application and will contact you.",
}


def next_step(status: Status, reasons: tuple[Reason, ...], attempt: int) -> str:
    """The applicant's next step: wait, submit again (and what to fix), or contact the bank."""
    if status in _FINAL:
        return _FINAL[status]
    if status not in REOPENABLE:
        return _WAIT
    if attempt >= MAX_ATTEMPTS:
        return "Contact the bank: this application cannot be submitted again."
    steps = [_STEPS[reason] for reason in reasons if reason in _STEPS]
    return steps[0] if steps else "Submit your application again from the app."
