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

from kyc.license_rules import LICENSE_FORMATS

from kyc_local.vision.fields import parse_date
from kyc_local.vision.ocr import Word

GAP = 1.6  # words further apart than this many text heights belong to different fields
INK_PADDING = 0.2  # share of an OCR box's height above and below the letters
OUTLIER = 3.0  # words taller than this many typical word heights are dropped

# label number → word labels states print for it
ALIASES: dict[str, tuple[str, ...]] = {
    "1": ("LN", "LAST"),
    "2": ("FN", "FIRST"),
    "3": ("DOB",),
    "4a": ("ISSUED", "ISS"),
    "4b": ("EXPIRES", "EXP"),
    "4d": ("DLN", "DL", "LIC#", "LIC", "ID", "NO", "NUMBER"),
    "5": ("DD",),
    "8": ("ADDRESS",),
    "9": ("CLASS",),
    "9a": ("ENDORSEMENTS", "END", "E"),
    "12": ("RESTRICTIONS", "RESTR", "RSTR", "REST", "R"),
    "15": ("SEX",),
    "16": ("HGT", "HT"),
    "17": ("WGT", "WT"),
    "18": ("EYES", "EYE"),
    "19": ("HAIR",),
}
_BY_ALIAS = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
_WORDS = {"LAST", "FIRST"}  # aliases that are also names: never split off a longer word ('LASTER', 'FIRSTEN')
_NUMBER = re.compile(r"^(4[abcdABCD]|9[aA]|1[2-9]|[1-9])")
PUNCT = ":#.,;"
AS_LETTERS = str.maketrans("105826", "IOSBZG")  # digits OCR reads for letters (a word label's, a licence number's)


def _is_date(text: str) -> bool:
    return parse_date(text) is not None


def _is_name(text: str) -> bool:
    """Letters of any script (GARCÍA, NUÑEZ), apostrophes and hyphens, starting with a letter."""
    return text[:1].isalpha() and all(ch.isalpha() or ch in "'-" for ch in text)


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _letters_only_number(compact: str) -> bool:
    """A licence number without a digit (New York's eight letters) counts only where some state's format allows it."""
    key = compact.upper()
    return key.isalpha() and any(pattern.fullmatch(key) for pattern in LICENSE_FORMATS.values())


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
    """A label (its word, and whether a word label such as DOB came with the number) and its value tokens."""

    label: str
    anchor: Word
    values: list[Token] = field(default_factory=list)
    worded: bool = False


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words in visual lines (a small label and its value share a line), each left to right, lines top to bottom.

    A word joins the line whose rightmost word overlaps it vertically by at least half its height.
    """
    heights = sorted(w.height for w in words)
    typical = heights[len(heights) // 2] if heights else 0.0
    kept: list[Word] = []
    for word in sorted(words, key=lambda w: w.confidence, reverse=True):
        if not 0 < word.height <= OUTLIER * typical or word.right <= word.left or not word.text.strip(PUNCT):
            continue  # a detection spanning several lines (pattern, portrait) or with no area is not text; nor is ':'
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
    alone = frozenset(w.text.strip(PUNCT).lower() for line in lines for w in line if _NUMBER.fullmatch(w.text.strip(PUNCT)))
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
            for token in _split(word, following, current is None and not run, numbered, waiting, glued, alone):
                if token.label and current is not None and current.label == token.label:
                    if not current.values:
                        current.worded = True
                        continue  # '4d' then 'DLN': one label
                    current.values.append(Token(word, word.text))  # 'WDLN...' inside a licence number
                    break
                if token.label:
                    if run:
                        loose.append(run)
                        run = []
                    current = Field(token.label, word, worded=token.text != token.label)
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
    word: Word, following: Word | None, at_start: bool, numbered: bool, waiting: str | None, glued: bool,
    alone: frozenset[str] = frozenset(),
) -> list[Token]:
    """A word as label and value tokens: '4dDLNS123' → [4d, DLN, 'S123'], '1SAMPLE' → [1, 'SAMPLE'].

    `waiting` is the label before this word that has no value yet: its word label is taken off whatever follows
    ('4d' then 'DLNW...' → 'W...'). A `glued` word continues the one before it and starts no label. A number the
    card prints `alone` as a label elsewhere is not split off a number ('8' printed, so '8683 MONROE' is a street).
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
            labelled = at_start and numbered and key in {"3", "4a", "4b", "8"} - alone and _fits(key, value)
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
    if rest and ((len(alias) == 1 and not colon) or alias in _WORDS or not _fits(key, rest)):
        return [Token(word, text)]
    return [Token(word, alias, key)] + ([Token(word, rest)] if rest else [])


def _next_to(word: Word, following: Word | None) -> bool:
    return following is not None and following.left - word.right <= GAP * max(word.height, following.height)


def _alias(text: str, aliases: tuple[str, ...]) -> tuple[str | None, str]:
    """The longest alias `text` starts with (case-insensitive; a word alias of four letters or more also with OCR's
    digit look-alikes for its letters: 'ADDRES5') and the rest."""
    upper = text.upper()
    for alias in sorted(aliases, key=len, reverse=True):
        start = upper[:len(alias)]
        if start == alias or (len(alias) >= 4 and start.translate(AS_LETTERS) == alias):
            return alias, text[len(alias):]
    return None, text


def drop_implausible(fields: list[Field], loose: list[list[Token]]) -> None:
    """A run right of a label that cannot be its value ('4d' 'NUMBER') goes back to the unclaimed runs. When the
    label is a bare number that cannot have this value, or that the card also prints with its word label ('2 FIRST'),
    it was the value's own start ('8 HARBOR PLACE', '2 PINE BOULEVARD') and goes back with it."""
    worded = {entry.label for entry in fields if entry.worded}
    for entry in list(fields):
        bare = not entry.worded and entry.anchor.text.strip(PUNCT).lower() == entry.label
        if not entry.values or (plausible(entry.label, value_text(entry.values)) and not (bare and entry.label in worded)):
            continue
        run, entry.values = entry.values, []
        if bare and run[0].word.middle > entry.anchor.top:
            run = [Token(entry.anchor, entry.anchor.text)] + run
            fields.remove(entry)
        loose.append(run)


def values_nearby(fields: list[Field], loose: list[list[Token]]) -> None:
    """A label with nothing right of it takes the unclaimed run next to it below or, on cards that print labels under
    their values, above: the side, decided once for the whole card, where more labels find a value that fits them
    (then where the runs sit closer)."""
    empty = [entry for entry in fields if not entry.values]
    sides = []
    for direction in (1, -1):
        nearest = {id(entry): _nearest(entry.anchor, loose, direction) for entry in empty}
        fits = sum(1 for entry in empty if (run := nearest[id(entry)][1]) and plausible(entry.label, value_text(run)))
        gaps = sum(min(gap, 2.0) for gap, _ in nearest.values())
        sides.append((-fits, gaps, direction, nearest))
    _, _, _, side = min(sides, key=lambda option: option[:3])
    for entry in sorted(empty, key=lambda entry: side[id(entry)][0]):
        _, run = side[id(entry)]
        if run is not None and run in loose:
            entry.values = run
            loose.remove(run)


def _nearest(anchor: Word, loose: list[list[Token]], direction: int) -> tuple[float, list[Token] | None]:
    """The run starting near the label's left edge just below (1) or above (-1) it, and the gap between their
    letters, in label heights."""
    best: tuple[float, list[Token] | None] = (float("inf"), None)
    for run in loose:
        first = run[0].word
        if abs(first.left - anchor.left) >= 3 * anchor.height:
            continue
        top = _ink(first)[0]
        label_top, label_bottom = _ink(anchor)
        gap = (top - label_bottom if direction > 0 else label_top - max(_ink(t.word)[1] for t in run)) / anchor.height
        if -0.3 < gap < 1.5 and gap < best[0]:
            best = (gap, run)
    return best


def _ink(word: Word) -> tuple[float, float]:
    """Top and bottom of a word's letters: OCR pads its boxes by about a fifth of their height on each side."""
    return word.top + INK_PADDING * word.height, word.bottom - INK_PADDING * word.height


def plausible(label: str, text: str) -> bool:
    """Whether a labelled value's whole text can be that field's: a value that cannot is no value (unreadable)."""
    text = text.strip(" " + PUNCT)
    words = text.split()
    if not words or all(len(word) > 1 and word.upper().strip(PUNCT) in _BY_ALIAS for word in words):
        return False  # nothing, or only label words ('4d' 'NUMBER')
    if label in {"1", "2"}:
        return all(_is_name(word.strip(",")) for word in words)
    if label in {"3", "4a", "4b"}:
        return _is_date(text)
    if label in {"4d", "5"}:
        compact = re.sub(r"[\s\-]", "", text)
        number_like = has_digit(compact) or _letters_only_number(compact)
        return number_like and compact.isalnum() and len(compact) >= 4 and not _is_date(text)
    if label == "8":  # a street ('123 MAIN ST') or, under labels printed below, the city line
        return has_digit(text) and any(ch.isalpha() for ch in text)
    if label in {"9", "9a", "12"}:
        return _short(words[0].upper().strip(PUNCT))
    if label == "15":
        return words[0].upper() in {"M", "F", "X"}
    if label in {"16", "17"}:
        return has_digit(words[0])
    if label in {"18", "19"}:
        return len(words) == 1 and _code(words[0])
    return label in _FUSED


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
