"""The mock validator's rule: licence-number formats of the 50 states and DC, plus a revoked list.

Formats follow the NTSI "Driver's License Formats" table as collected in github.com/adambullmer/USDLRegex,
`regex.json` at commit 13c4334919dbd913eddd62fa0faaa62dc4679e78; tests/unit/data/license_formats.json holds that
file's rules and the examples of its `test/features/json.feature`, and the tests check agreement with both.
Numbers are compared upper case without spaces and punctuation, except `*`: Washington's filler is part of the number.
Each format is a list of alternatives; an alternative is a sequence of tokens: `A<n>` letters, `N<n>` digits,
`X<n>` letters or digits, `W<n>` letters, digits or `*` (n a count or a range `m-n`), `=TEXT` literal text.
"""

from __future__ import annotations

import random
import re
import string

from kyc.model import ValidationResult
from kyc.states import state_code

_SPECS: dict[str, tuple[str, ...]] = {
    "AL": ("N1-8",),
    "AK": ("N1-7",),
    "AZ": ("A1 N1-8", "A2 N2-5", "N9"),
    "AR": ("N4-9",),
    "CA": ("A1 N7",),
    "CO": ("N9", "A1 N3-6", "A2 N2-5"),
    "CT": ("N9",),
    "DE": ("N1-7",),
    "DC": ("N7", "N9"),
    "FL": ("A1 N12",),
    "GA": ("N7-9",),
    "HI": ("A1 N8", "N9"),
    "ID": ("A2 N6 A1", "N9"),
    "IL": ("A1 N11-12",),
    "IN": ("A1 N9", "N9-10"),
    "IA": ("N9", "N3 A2 N4"),
    "KS": ("A1 N1 A1 N1 A1", "A1 N8", "N9"),
    "KY": ("A1 N8-9", "N9"),
    "LA": ("N1-9",),
    "ME": ("N7-8", "N7 A1"),
    "MD": ("A1 N12",),
    "MA": ("A1 N8", "A2 N7", "N9"),
    "MI": ("A1 N10", "A1 N12"),
    "MN": ("A1 N12",),
    "MS": ("N9",),
    "MO": ("A1 N5-9", "A1 N6 =R", "N3 A1 N6", "N8 A2", "N9 A1", "N9"),
    "MT": ("A1 N8", "N9", "N13-14"),
    "NE": ("N1-7", "A1 N6-8"),
    "NV": ("N9-10", "N12", "=X N8"),
    "NH": ("N2 A3 N5", "A3 N8"),
    "NJ": ("A1 N14",),
    "NM": ("N8-9",),
    "NY": ("A1 N7", "A1 N18", "N8-9", "N16", "A8"),
    "NC": ("N1-12",),
    "ND": ("A3 N6", "N9"),
    "OH": ("A1 N4-8", "A2 N3-7", "N8"),
    "OK": ("A1 N9", "N9"),
    "OR": ("N1-9", "=A N6", "=B N6"),
    "PA": ("N8",),
    "RI": ("N7-8", "A1 N6"),
    "SC": ("N5-11",),
    "SD": ("N6-10", "N12"),
    "TN": ("N7-9",),
    "TX": ("N7-8",),
    "UT": ("N4-10",),
    "VT": ("N8", "N7 =A"),
    "VA": ("A1 N8-11", "N9"),
    # 12 characters, the first a letter: WDL + 9 since 2018; before, name letters padded with '*', digits, checks
    "WA": ("=WDL X9", "A1 W11"),
    "WV": ("N7", "A1-2 N5-6"),
    "WI": ("A1 N13",),
    "WY": ("N9-10",),
}

_TOKEN = re.compile(r"([ANXW])(\d+)(?:-(\d+))?|=([A-Z]+)")
_CLASSES = {  # kind: (what the format accepts, what generated examples draw from: no '*', which OCR rarely keeps)
    "A": ("[A-Z]", string.ascii_uppercase),
    "N": ("[0-9]", string.digits),
    "X": ("[A-Z0-9]", string.ascii_uppercase + string.digits),
    "W": ("[A-Z0-9*]", string.ascii_uppercase + string.digits),
}


def _tokens(alternative: str) -> list[tuple[str, int, int]]:
    """(kind, min, max) per token; a literal's kind is `=TEXT`."""
    tokens = []
    for part in alternative.split():
        match = _TOKEN.fullmatch(part)
        if match is None:
            raise ValueError(f"bad format token {part!r}")
        kind, low, high, literal = match.groups()
        tokens.append(("=" + literal, 1, 1) if literal else (kind, int(low), int(high or low)))
    return tokens


def _regex(alternative: str) -> str:
    return "".join(
        kind[1:] if kind.startswith("=") else f"{_CLASSES[kind][0]}{{{low},{high}}}"
        for kind, low, high in _tokens(alternative)
    )


LICENSE_FORMATS: dict[str, re.Pattern[str]] = {
    code: re.compile("(?:" + "|".join(_regex(alt) for alt in specs) + ")") for code, specs in _SPECS.items()
}


def normalize_license_number(number: str) -> str:
    """Letters and digits only, upper case: `d123-456 789` → `D123456789`."""
    return re.sub(r"[^A-Z0-9]", "", number.upper())


def _format_key(number: str) -> str:
    """The number as formats see it: upper case, letters, digits and `*` (`lee**jd-123ab` → `LEE**JD123AB`)."""
    return re.sub(r"[^A-Z0-9*]", "", number.upper())


def validate_license(number: str, state: str | None, revoked: frozenset[str]) -> ValidationResult:
    """Valid when not revoked and in the format of the issuing state (of any state when the state is not given)."""
    if normalize_license_number(number) in {normalize_license_number(item) for item in revoked}:
        return ValidationResult(False, "revoked")
    key = _format_key(number)
    if state is not None:
        code = state_code(state)
        if code is None:
            return ValidationResult(False, "unknown state")
        if LICENSE_FORMATS[code].fullmatch(key):
            return ValidationResult(True, f"format matches {code}")
        return ValidationResult(False, f"format does not match {code}")
    matches = sorted(code for code, pattern in LICENSE_FORMATS.items() if pattern.fullmatch(key))
    if not matches:
        return ValidationResult(False, "no state format matches")
    shown = ", ".join(matches[:3]) + (f" and {len(matches) - 3} more" if len(matches) > 3 else "")
    return ValidationResult(True, f"format matches {shown}")


def example_license_number(state: str, rng: random.Random) -> str:
    """A random licence number in one of the state's formats (for generated sample bundles)."""
    code = state_code(state)
    if code is None:
        raise ValueError("unknown state")
    return "".join(
        kind[1:] if kind.startswith("=") else "".join(rng.choices(_CLASSES[kind][1], k=rng.randint(low, high)))
        for kind, low, high in _tokens(rng.choice(_SPECS[code]))
    )
