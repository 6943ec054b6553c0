"""Finding personal values in text the system let out (responses, addresses, log lines, e-mails): as written,
accent-stripped, case-folded, or with the punctuation removed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from kyc.model import EVIDENCE_KEYS, CheckResult


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def key(value: str) -> str:
    return "".join(c for c in plain(value) if c.isalnum())


def personal_values(application: dict[str, str], details: CheckResult) -> list[str]:
    """The application's values and, per field, the licence's as read and both forms compared; but a two-letter
    state code, which no text search can tell from a word (its full name is searched)."""
    evidence = [entry[name] for entry in details.evidence.values() for name in EVIDENCE_KEYS if entry.get(name)]
    return sorted(value for value in {*application.values(), *evidence} if len(key(value)) >= 4)


def leaks(text: str, values: Iterable[str]) -> list[str]:
    """The values found in `text`. Short ones (a ZIP5) count as whole words only, so that the digits of a timestamp
    or a token are not taken for them."""
    folded = plain(text)
    squeezed = "".join(c for c in folded if c.isalnum())
    found = []
    for value in values:
        word = rf"(?<![0-9a-z]){re.escape(plain(value))}(?![0-9a-z])"
        if (plain(value) in folded or key(value) in squeezed) if len(key(value)) >= 6 else re.search(word, folded):
            found.append(value)
    return found
