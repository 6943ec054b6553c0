"""Words on a licence front grouped into lines, and split into AAMVA labels and the values that follow them.

Labels are the AAMVA field numbers (1 family name, 2 given names, 3 DOB, 4a issue, 4b expiry, 4d licence number,
8 address, 9 class, 9a endorsements, 12 restrictions, 15 sex, 16 height, 18 eyes, ...) and the word labels states
print (LN, FN, DOB, EXP, DL, CLASS, ...), also when OCR fuses them with the value (`1SAMPLE`, `4dDLNS123-456`,
`8123 MAIN STREET`). A label's value is the run of words right of it, or the unclaimed run just below it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kyc_local.vision.fields import parse_date
from kyc_local.vision.ocr import Word

GAP = 1.6  # words further apart than this many text heights belong to different fields
OUTLIER = 3.0  # words taller than this many typical word heights are dropped

# label number → word labels states print for it
ALIASES: dict[str, tuple[str, ...]] = {
    "1": ("LN",),
    "2": ("FN",),
    "3": ("DOB",),
    "4a": ("ISSUED", "ISS"),
    "4b": ("EXPIRES", "EXP"),
    "4d": ("DLN", "DL", "LIC#", "LIC", "ID", "NO"),
    "5": ("DD",),
    "8": ("ADDRESS",),
    "9": ("CLASS",),
    "9a": ("ENDORSEMENTS", "END", "E"),
    "12": ("RESTRICTIONS", "RESTR", "RSTR", "R"),
    "15": ("SEX",),
    "16": ("HGT", "HT"),
    "17": ("WGT", "WT"),
    "18": ("EYES", "EYE"),
    "19": ("HAIR",),
}
_BY_ALIAS = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
_NUMBER = re.compile(r"^(4[abcdABCD]|9[aA]|1[2-9]|[1-9])")
PUNCT = ":#.,;"


def _is_date(text: str) -> bool:
    return parse_date(text) is not None


def _is_name(text: str) -> bool:
    """Letters of any script (GARCÍA, NUÑEZ), apostrophes and hyphens, starting with a letter."""
    return text[:1].isalpha() and all(ch.isalpha() or ch in "'-" for ch in text)


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _code(text: str) -> bool:
    return len(text) == 3 and text.isalpha()


def _short(text: str) -> bool:
    return text.upper() == "NONE" or 0 < len(text) <= 3


# What a value glued to its label must look like for the split to be believed.
_FUSED: dict[str, Callable[[str], bool]] = {
    "1": _is_name, "2": _is_name, "3": _is_date, "4a": _is_date, "4b": _is_date, "4d": has_digit,
    "5": has_digit, "8": has_digit, "9": _short, "9a": _short, "12": _short, "15": lambda t: t in {"M", "F", "X"},
    "16": has_digit, "17": has_digit, "18": _code, "19": _code,
}


def _fits(key: str, value: str) -> bool:
    """Whether `value` may be the value of field `key`; fields the reader does not use (4c, 6, 7, 13, ...) take none
    glued to their number, so '7G' or '14TH' stay words."""
    check = _FUSED.get(key)
    return check is not None and check(value)


@dataclass
class Token:
    """A label or a value piece of a word, with the word's box and confidence."""

    word: Word
    text: str
    label: str | None = None


@dataclass
class Field:
    label: str
    anchor: Word
    values: list[Token] = field(default_factory=list)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words in visual lines (a small label and its value share a line), each left to right, lines top to bottom.

    A word joins the line whose rightmost word overlaps it vertically by at least half its height.
    """
    heights = sorted(w.height for w in words)
    typical = heights[len(heights) // 2] if heights else 0.0
    kept: list[Word] = []
    for word in sorted(words, key=lambda w: w.confidence, reverse=True):
        if word.height > OUTLIER * typical or not word.text.strip(PUNCT):
            continue  # a detection spanning several lines (pattern, portrait) is not text; nor is a lone ':'
        if not any(_overlap(word, other) > 0.5 for other in kept):  # the same glyphs read twice: keep the surer
            kept.append(word)
    lines: list[list[Word]] = []
    for word in sorted(kept, key=lambda w: w.left):
        best, best_overlap = None, 0.5
        for line in lines:
            last = line[-1]
            overlap = (min(last.bottom, word.bottom) - max(last.top, word.top)) / min(last.height, word.height)
            if overlap > best_overlap and word.left >= last.left:
                best, best_overlap = line, overlap
        if best is None:
            lines.append([word])
        else:
            best.append(word)
    return sorted(lines, key=lambda line: (min(w.top for w in line), line[0].left))


def _overlap(word: Word, other: Word) -> float:
    """The share of the smaller of the two boxes that the other covers."""
    width = min(word.right, other.right) - max(word.left, other.left)
    height = min(word.bottom, other.bottom) - max(word.top, other.top)
    area = min((w.right - w.left) * w.height for w in (word, other))
    return width * height / area if width > 0 and height > 0 and area > 0 else 0.0


def find_fields(lines: list[list[Word]]) -> tuple[list[Field], list[list[Token]]]:
    """Labelled fields with the values right of their label, and the runs of words that no label claimed."""
    numbered = len({_number_label(w.text) for line in lines for w in line} - {None}) >= 4
    fields: list[Field] = []
    loose: list[list[Token]] = []
    for line in lines:
        current: Field | None = None
        run: list[Token] = []
        for index, word in enumerate(line):
            previous = line[index - 1] if index else None
            separated = previous is None or word.left - previous.right > GAP * max(word.height, previous.height)
            if separated:
                current = None
                if run:
                    loose.append(run)
                    run = []
            following = line[index + 1] if index + 1 < len(line) else None
            waiting = current.label if current is not None and not current.values else None
            glued = word.glued and not separated  # read as one word with the one before: 'BR' 'END' 'A'
            for token in _split(word, following, current is None and not run, numbered, waiting, glued):
                if token.label and current is not None and current.label == token.label:
                    if not current.values:
                        continue  # '4d' then 'DLN': one label
                    current.values.append(Token(word, word.text))  # 'WDLN...' inside a licence number
                    break
                if token.label:
                    if run:
                        loose.append(run)
                        run = []
                    current = Field(token.label, word)
                    fields.append(current)
                elif current is not None:
                    current.values.append(token)
                else:
                    run.append(token)
        if run:
            loose.append(run)
    return fields, loose


def _number_label(text: str) -> str | None:
    """The AAMVA field number a word starts with when a letter, ':' or nothing follows it ('1SAMPLE', '4d')."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    rest = text[match.end():]
    if rest[:1].isdigit() or rest[:1] in {"/", ".", "-"}:
        return None
    return match.group(1).lower()


def _split(
    word: Word, following: Word | None, at_start: bool, numbered: bool, waiting: str | None, glued: bool
) -> list[Token]:
    """A word as label and value tokens: '4dDLNS123' → [4d, DLN, 'S123'], '1SAMPLE' → [1, 'SAMPLE'].

    `waiting` is the label before this word that has no value yet: its word label is taken off whatever follows
    ('4d' then 'DLNW...' → 'W...'). A `glued` word continues the one before it and starts no label.
    """
    text = word.text
    alias, rest = _alias(text, ALIASES.get(waiting or "", ()))
    if alias and len(alias) > 1 and rest.strip(PUNCT):
        return [Token(word, alias, waiting), Token(word, rest.strip(PUNCT))]
    if glued and not (waiting and alias):
        return [Token(word, text)]
    match = _NUMBER.match(text)
    if match:
        key, rest = match.group(1).lower(), text[match.end():]
        alias, after = _alias(rest, ALIASES.get(key, ()))
        value = (after if alias else rest).strip(PUNCT)
        if alias:
            labelled = True
            value = value if not value or _fits(key, value) else ""  # '18EYESB': a damaged value is no value
        elif not rest:
            labelled = (following is not None and _alias(following.text, ALIASES.get(key, ()))[0] is not None) or (
                at_start and numbered)
        elif rest[0].isdigit() or rest[0] in "/.-":
            labelled = at_start and numbered and key in {"3", "4a", "4b", "8"} and _fits(key, value)
        else:
            labelled = at_start and numbered and _fits(key, value)
        if labelled:
            return [Token(word, key, key)] + ([Token(word, value)] if value else [])
    alias, rest = _alias(text, tuple(_BY_ALIAS))
    if waiting and rest.strip(PUNCT):  # a label's value, though it starts like another label: 'DLN' 'DD2724514'
        return [Token(word, text)]
    if alias is None or (len(alias) == 1 and not (rest.startswith(":") or (at_start and _next_to(word, following)))):
        return [Token(word, text)]  # 'E' or 'R' is a label with a colon, or first with its value right after it
    key, colon, rest = _BY_ALIAS[alias], rest.startswith(":"), rest.strip(PUNCT)
    if rest and ((len(alias) == 1 and not colon) or not _fits(key, rest)):
        return [Token(word, text)]
    return [Token(word, alias, key)] + ([Token(word, rest)] if rest else [])


def _next_to(word: Word, following: Word | None) -> bool:
    return following is not None and following.left - word.right <= GAP * max(word.height, following.height)


def _alias(text: str, aliases: tuple[str, ...]) -> tuple[str | None, str]:
    """The longest alias `text` starts with (case-insensitive) and the rest."""
    upper = text.upper()
    for alias in sorted(aliases, key=len, reverse=True):
        if upper.startswith(alias):
            return alias, text[len(alias):]
    return None, text


def values_below(fields: list[Field], loose: list[list[Token]]) -> None:
    """A label with nothing to its right takes the unclaimed run just below it, starting near its left edge."""
    for entry in fields:
        if entry.values:
            continue
        anchor = entry.anchor
        below = [
            run for run in loose
            if anchor.top + anchor.height / 2 < run[0].word.top < anchor.bottom + 1.5 * anchor.height
            and abs(run[0].word.left - anchor.left) < 3 * anchor.height
        ]
        if below:
            run = min(below, key=lambda r: r[0].word.top)
            entry.values = run
            loose.remove(run)


def value_text(tokens: list[Token], spaced: Callable[[str, str], bool] | None = None) -> str:
    """The value's text: words the recogniser read without a space between them are joined without one, unless
    `spaced(before, after)` says the field's vocabulary puts a space there ('123' 'MAIN' 'STREET')."""
    parts: list[str] = []
    for index, token in enumerate(tokens):
        glued = index and token.word.glued and tokens[index - 1].word is not token.word
        if glued and spaced is not None and spaced(tokens[index - 1].text.upper(), token.text.upper()):
            glued = False
        parts.append(token.text if not parts else ("" if glued else " ") + token.text)
    return "".join(parts).strip()


def value_confidence(tokens: list[Token], factor: float = 1.0) -> float:
    return round(min(token.word.confidence for token in tokens) * factor, 2)
