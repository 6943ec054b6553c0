"""US driver licences drawn like real ones (AAMVA field numbers, state designs), front and PDF417 back."""

from __future__ import annotations

import random

import numpy as np
import zxingcpp
from kyc.states import STATE_NAMES
from PIL import Image, ImageDraw

from kyc_local.samples.aamva import payload
from kyc_local.samples.camera import degrade, photograph
from kyc_local.samples.card_art import background, font, ghost, signature
from kyc_local.samples.designs import CARD_SIZE, DESIGNS, Design, Place
from kyc_local.samples.identity import Identity
from kyc_local.samples.photos import frame_face

__all__ = ["STATE_LAYOUTS", "degrade", "photograph", "render_back", "render_front"]

STATE_LAYOUTS: tuple[str, ...] = tuple(DESIGNS)
WORD_LABELS = {"3": "DOB", "4a": "ISS", "4b": "EXP", "9": "CLASS", "12": "RESTR", "9a": "END", "15": "SEX",
               "16": "HGT", "18": "EYES"}


def render_front(identity: Identity, portrait: Image.Image, rng: random.Random) -> Image.Image:
    """The front of `identity`'s licence in its state's design; `portrait` is framed around its face."""
    design = DESIGNS[identity.state]
    card = background(design).copy()
    draw = ImageDraw.Draw(card)
    for text in design.header:
        draw.text((text.x, text.y), text.text, fill=text.colour, font=font(text.font, text.size), anchor=text.anchor)
    x, y, width, height = design.portrait
    card.paste(frame_face(portrait, (width, height), zoom=1.9, eye_line=0.45), (x, y))
    draw.rectangle((x - 1, y - 1, x + width, y + height), outline=(60, 60, 70), width=2)
    gx, gy, g_width, g_height = design.ghost
    face = frame_face(portrait, (g_width, g_height), zoom=1.9, eye_line=0.45)
    card.paste(ghost(face, card.crop((gx, gy, gx + g_width, gy + g_height)), rng.uniform(0.3, 0.4)), (gx, gy))
    signature(draw, design.signature, rng)
    for place in design.fields:
        _field(draw, design, place, identity)
    return card


def _field(draw: ImageDraw.ImageDraw, design: Design, place: Place, identity: Identity) -> None:
    """'4d DLN D1234567': the AAMVA number, the word label, then the value, on one baseline."""
    value = _value(place.key, identity)
    label_size = max(15, round(place.size * 0.6))
    x = place.x
    draw.text((x, place.y), place.key, fill=design.number, font=font("DejaVuSans-Bold", label_size), anchor="ls")
    x += draw.textlength(place.key, font=font("DejaVuSans-Bold", label_size)) + 7
    word = design.licence_label if place.key == "4d" else WORD_LABELS.get(place.key, "")
    if word:
        draw.text((x, place.y), word, fill=design.text, font=font("DejaVuSans", label_size), anchor="ls")
        x += draw.textlength(word, font=font("DejaVuSans", label_size)) + 8
    size = place.size
    while size > 12 and draw.textlength(value, font=font("DejaVuSans-Bold", size)) > place.x + place.width - x:
        size -= 1
    draw.text((x, place.y), value, fill=place.colour or design.text, font=font("DejaVuSans-Bold", size), anchor="ls")
    if place.key == "8":
        line = f"{identity.city}, {identity.state} {identity.zip_code}"
        draw.text((x, place.y + round(size * 1.3)), line, fill=design.text, font=font("DejaVuSans-Bold", size),
                  anchor="ls")


def _value(key: str, identity: Identity) -> str:
    dates = {"3": identity.date_of_birth, "4a": identity.issue_date, "4b": identity.expiration_date}
    if key in dates:
        return dates[key].strftime("%m/%d/%Y")
    return {
        "4d": identity.document_number,
        "1": identity.last_name,
        "2": f"{identity.first_name} {identity.middle_name}",
        "8": identity.street,
        "9": identity.license_class,
        "12": identity.restrictions,
        "9a": identity.endorsements,
        "15": identity.sex,
        "16": identity.height,
        "18": identity.eyes,
    }[key]


def render_back(identity: Identity) -> Image.Image:
    """The back: the state's stock, a few printed lines and the PDF417 barcode with the AAMVA DL/ID data."""
    design = DESIGNS[identity.state]
    card = background(design).copy()
    draw = ImageDraw.Draw(card)
    width, height = CARD_SIZE
    draw.rectangle((0, 0, width, 70), fill=(250, 250, 248))
    draw.text((30, 22), f"{STATE_NAMES[identity.state].upper()} DRIVER LICENSE", fill=(30, 30, 40),
              font=font("DejaVuSans-Bold", 24))
    symbol = zxingcpp.create_barcode(payload(identity), zxingcpp.BarcodeFormat.PDF417)
    code = Image.fromarray(np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=1)), "L")
    scale = max(1, min((width - 80) // code.width, (height - 140) // code.height))
    code = code.resize((code.width * scale, code.height * scale), Image.Resampling.NEAREST)
    card.paste(code.convert("RGB"), ((width - code.width) // 2, 70 + (height - 70 - code.height) // 2))
    return card
