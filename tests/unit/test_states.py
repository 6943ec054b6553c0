"""State codes and names."""

from __future__ import annotations

import pytest
from kyc.states import STATE_NAMES, state_code


def test_fifty_states_and_dc():
    assert len(STATE_NAMES) == 51
    assert STATE_NAMES["DC"] == "District of Columbia"
    assert all(len(code) == 2 and code.isupper() for code in STATE_NAMES)


@pytest.mark.parametrize("code", sorted(STATE_NAMES))
def test_every_code_and_name_maps_back(code):
    name = STATE_NAMES[code]
    assert state_code(code) == code
    assert state_code(code.lower()) == code
    assert state_code(name) == code
    assert state_code(f"  {name.upper()}.") == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("N.C.", "NC"),
        ("north-carolina", "NC"),
        ("NewYork", "NY"),
        ("Washington, D.C.", "DC"),
        ("washington", "WA"),
        ("West Virginia", "WV"),
        ("Atlantis", None),
        ("", None),
        ("PR", None),
        ("C", None),
    ],
)
def test_state_code(value, code):
    assert state_code(value) == code
