"""Face engine on real photos: licence portraits (printed small, with a ghost image, JPEG, low contrast, a whole
card photographed at 1920×1080) against phone selfies. At threshold 80: no false accept, no false reject."""

from __future__ import annotations

import itertools
import random

import pytest
from PIL import Image

from kyc_local.samples.cards import degrade, photograph, render_front
from kyc_local.samples.designs import CARD_SIZE, DESIGNS
from kyc_local.samples.identity import make_identity
from kyc_local.samples.photos import load_photo, selfie_from
from kyc_local.vision.faces import DISTANCE_AT_80, similarity
from tests.accuracy.helpers import THRESHOLD, TODAY, rgb

PEOPLE = {"obama": "obama", "obama2": "obama", "obama3": "obama", "biden": "biden", "astronaut": "collins",
          "grace_hopper": "hopper"}
STATES = ("CA", "NY")
VARIANTS = ("flat", "small", "jpeg", "low_contrast", "photograph")


def _variant(card: Image.Image, name: str, rng: random.Random) -> Image.Image:
    if name == "small":  # a small printed card: the portrait's face is about 60 px wide
        return card.resize((420, 265), Image.Resampling.LANCZOS)
    if name == "jpeg":
        return degrade(card, rng, jpeg_quality=30)
    if name == "low_contrast":
        return degrade(card, rng, low_contrast=True)
    if name == "photograph":
        return photograph(card, rng)
    return card


@pytest.fixture(scope="module")
def licence_faces(engines):
    """(photo, state, variant) → the largest face the engine finds on that licence image (None when none)."""
    rng = random.Random(31)
    found = {}
    for photo in PEOPLE:
        for state in STATES:
            card = render_front(make_identity(rng, state, TODAY), load_photo(photo), rng)
            for variant in VARIANTS:
                faces = engines.faces.faces(rgb(_variant(card, variant, rng)), limit=1)
                found[photo, state, variant] = faces[0] if faces else None
    return found


@pytest.fixture(scope="module")
def selfie_faces(engines):
    rng = random.Random(32)
    return {photo: engines.faces.faces(rgb(selfie_from(load_photo(photo), rng))) for photo in PEOPLE}


def test_similarity_keeps_the_aws_meaning_of_80():
    assert similarity(DISTANCE_AT_80) == pytest.approx(80.0)
    distances = [i / 100 for i in range(121)]
    scores = [similarity(d) for d in distances]
    assert all(a > b for a, b in itertools.pairwise(scores))
    assert similarity(0.52) > 85 and similarity(0.62) < 40 and similarity(0.30) > 99.5


def test_every_selfie_has_exactly_one_face(selfie_faces):
    assert {photo: len(faces) for photo, faces in selfie_faces.items()} == dict.fromkeys(PEOPLE, 1)


def test_the_licence_face_is_the_main_portrait_not_the_ghost(licence_faces):
    missing = [key for key, face in licence_faces.items() if face is None]
    assert not missing
    for (photo, state, variant), face in licence_faces.items():
        if variant == "photograph":
            continue
        x, y, width, height = DESIGNS[state].portrait
        centre = (face.left + face.width / 2) * CARD_SIZE[0], (face.top + face.height / 2) * CARD_SIZE[1]
        assert x <= centre[0] <= x + width and y <= centre[1] <= y + height, (photo, state, variant)


def test_no_false_accept_and_no_false_reject_at_80(licence_faces, selfie_faces):
    false_accepts, false_rejects, same, different = [], [], [], []
    for (photo, state, variant), face in licence_faces.items():
        for other, faces in selfie_faces.items():
            if other == photo:
                continue  # a selfie made from the portrait's own photo would be too easy
            score = similarity(face.distance(faces[0]))
            if PEOPLE[other] == PEOPLE[photo]:
                same.append(score)
                if score < THRESHOLD:
                    false_rejects.append((photo, other, state, variant, round(score, 1)))
            else:
                different.append(score)
                if score >= THRESHOLD:
                    false_accepts.append((photo, other, state, variant, round(score, 1)))
    print(f"\nsame person: {len(same)} pairs, similarity {min(same):.1f}–{max(same):.1f}; "
          f"different: {len(different)} pairs, {min(different):.1f}–{max(different):.1f}")
    assert len(same) >= 40 and len(different) >= 200
    assert not false_accepts and not false_rejects
