import random
from datetime import date

import dlib
import numpy as np
import pytest
from PIL import Image, ImageFilter

from kyc_local.samples.cards import STATE_LAYOUTS, degrade, photograph, render_back, render_front
from kyc_local.samples.designs import CARD_SIZE, DESIGNS
from kyc_local.samples.identity import make_identity
from kyc_local.samples.photos import load_photo
from kyc_local.samples.places import IIN
from tests.samples.barcode import read_back

TODAY = date(2026, 3, 1)
AAMVA_FIELDS = {"4d", "1", "2", "8", "3", "4a", "4b", "9", "12", "9a", "15", "16", "18"}


def person(state="CA", seed=1):
    return make_identity(random.Random(seed), state, TODAY)


def test_at_least_five_distinct_state_designs():
    assert len(STATE_LAYOUTS) >= 5
    designs = [DESIGNS[state] for state in STATE_LAYOUTS]
    assert len({(d.top, d.pattern, d.band) for d in designs}) == len(designs)
    assert len({tuple((p.key, p.x, p.y) for p in d.fields) for d in designs}) == len(designs)


@pytest.mark.parametrize("state", STATE_LAYOUTS)
def test_design_prints_every_aamva_field_on_the_card_without_overlap(state):
    design = DESIGNS[state]
    assert {place.key for place in design.fields} == AAMVA_FIELDS
    boxes = [design.portrait, design.ghost, design.signature]
    boxes += [(p.x, p.y - p.size, p.width, p.size * (2.4 if p.key == "8" else 1.1)) for p in design.fields]
    for x, y, width, height in boxes:
        assert 0 <= x and x + width <= CARD_SIZE[0] and 0 <= y and y + height <= CARD_SIZE[1]
    for i, (ax, ay, aw, ah) in enumerate(boxes):
        for bx, by, bw, bh in boxes[i + 1 :]:
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (state, (ax, ay), (bx, by))
    assert design.portrait[2] * design.portrait[3] > 3 * design.ghost[2] * design.ghost[3]


@pytest.mark.parametrize("state", STATE_LAYOUTS)
def test_front_is_a_flat_card_whose_largest_face_is_the_main_portrait(state):
    card = render_front(person(state), load_photo("obama"), random.Random(2))
    assert card.size == CARD_SIZE and card.mode == "RGB"
    found = dlib.get_frontal_face_detector()(np.asarray(card), 1)
    largest = max(found, key=lambda face: face.area())
    x, y, width, height = DESIGNS[state].portrait
    assert x <= largest.center().x <= x + width and y <= largest.center().y <= y + height


def test_front_is_deterministic_and_differs_by_state_and_person():
    photo = load_photo("biden")
    first = render_front(person("TX", 1), photo, random.Random(4)).tobytes()
    assert first == render_front(person("TX", 1), photo, random.Random(4)).tobytes()
    assert first != render_front(person("TX", 2), photo, random.Random(4)).tobytes()
    assert first != render_front(person("FL", 1), photo, random.Random(4)).tobytes()


@pytest.mark.parametrize("state", STATE_LAYOUTS)
def test_back_barcode_decodes_to_the_identity(state):
    holder = person(state, 7)
    text, elements = read_back(render_back(holder))
    assert text.startswith(f"@\n\x1e\rANSI {IIN[state]}10")
    assert elements["DAQ"] == holder.document_number
    assert (elements["DCS"], elements["DAC"], elements["DAD"]) == (holder.last_name, holder.first_name,
                                                                   holder.middle_name)
    assert elements["DBB"] == holder.date_of_birth.strftime("%m%d%Y")
    assert elements["DBA"] == holder.expiration_date.strftime("%m%d%Y")
    assert elements["DBD"] == holder.issue_date.strftime("%m%d%Y")
    assert (elements["DAG"], elements["DAI"], elements["DAJ"]) == (holder.street, holder.city, state)
    assert elements["DAK"].startswith(holder.zip_code)
    assert elements["DBC"] == {"M": "1", "F": "2"}[holder.sex]
    assert elements["DCG"] == "USA"


def test_photograph_puts_the_card_at_about_seventy_percent_of_the_frame():
    card = Image.new("RGB", CARD_SIZE, (255, 0, 255))
    for seed in range(4):
        shot = photograph(card, random.Random(seed))
        assert shot.size == (1920, 1080) and shot.mode == "RGB"
        pixels = np.asarray(shot).astype(int)
        magenta = (pixels[..., 0] > 150) & (pixels[..., 2] > 150) & (pixels[..., 1] < 90)
        columns = np.flatnonzero(magenta.any(axis=0))
        rows = np.flatnonzero(magenta.any(axis=1))
        assert 0.6 <= (columns[-1] - columns[0]) / 1920 <= 0.8
        assert 0.5 <= (rows[-1] - rows[0]) / 1080 <= 0.95
        assert magenta.mean() > 0.3


def test_photograph_is_deterministic_and_its_back_still_scans():
    back = render_back(person("WA", 3))
    shot = photograph(back, random.Random(11))
    assert shot.tobytes() == photograph(back, random.Random(11)).tobytes()
    assert shot.tobytes() != photograph(back, random.Random(12)).tobytes()
    assert read_back(shot)[1]["DAQ"] == person("WA", 3).document_number


def sharpness(image):
    return float(np.asarray(image.convert("L").filter(ImageFilter.FIND_EDGES), dtype=float).var())


def test_degrade_does_what_it_says():
    card = render_front(person(), load_photo("obama"), random.Random(1))
    assert degrade(card, random.Random(1)).tobytes() == card.tobytes()
    assert sharpness(degrade(card, random.Random(1), blur=2.5)) < sharpness(card) / 3
    washed = degrade(card, random.Random(1), low_contrast=True)
    assert np.asarray(washed, dtype=float).std() < np.asarray(card, dtype=float).std() / 2
    glared = degrade(card, random.Random(1), glare=True)
    assert (np.asarray(glared).min(axis=2) > 240).mean() > (np.asarray(card).min(axis=2) > 240).mean() + 0.01
    jpeg = degrade(card, random.Random(1), jpeg_quality=15)
    assert jpeg.size == card.size and jpeg.tobytes() != card.tobytes()
    assert jpeg.tobytes() == degrade(card, random.Random(1), jpeg_quality=15).tobytes()
