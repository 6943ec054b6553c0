import random

import dlib
import numpy as np
import pytest

from kyc_local.samples.photos import PHOTOS, face_box, load_photo, photo_path, selfie_from


def faces(image, upsample=0):
    return dlib.get_frontal_face_detector()(np.asarray(image), upsample)


def test_required_photos_and_people():
    assert {"obama", "obama2", "obama3", "biden", "astronaut", "grace_hopper"} <= set(PHOTOS)
    assert {photo.person for photo in PHOTOS.values()} == {"obama", "biden", "eileen_collins", "grace_hopper"}
    assert all(photo.source and photo.license for photo in PHOTOS.values())


def test_photo_dir_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("KYC_PHOTO_DIR", str(tmp_path))
    assert photo_path("biden") == tmp_path / "biden.jpg"


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_loaded_photo_is_rgb_with_its_face_box_inside(name):
    photo = load_photo(name)
    left, top, right, bottom = photo.info["face_box"]
    assert photo.mode == "RGB"
    assert 0 <= left < right <= photo.width and 0 <= top < bottom <= photo.height
    original = photo.getpixel((0, 0))
    photo.putpixel((0, 0), tuple(255 - value for value in original))
    assert load_photo(name).getpixel((0, 0)) == original  # each caller gets its own copy


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_selfie_shows_exactly_one_large_face(name):
    selfie = selfie_from(load_photo(name), random.Random(3))
    assert selfie.size == (900, 1200) and selfie.mode == "RGB"
    found = faces(selfie.resize((450, 600)))
    assert len(found) == 1
    assert found[0].width() > 450 * 0.25


def test_selfie_is_deterministic_and_varies_with_the_seed():
    photo = load_photo("obama2")
    first = selfie_from(photo, random.Random(9)).tobytes()
    assert first == selfie_from(photo, random.Random(9)).tobytes()
    assert first != selfie_from(photo, random.Random(10)).tobytes()


def test_face_box_of_a_resized_photo_is_not_trusted():
    photo = load_photo("obama3")
    assert face_box(photo) == PHOTOS["obama3"].face
    smaller = photo.resize((photo.width // 2, photo.height // 2))
    assert "face_box" in smaller.info  # Pillow copies info along
    assert face_box(smaller) != PHOTOS["obama3"].face
