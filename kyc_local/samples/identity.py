"""Made-up US applicants: names, addresses, licence numbers and card fields, deterministic from a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from kyc.license_rules import example_license_number, validate_license

from kyc_local.samples.places import CITIES


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE = _words(
    "JAMES JOHN ROBERT MICHAEL WILLIAM DAVID RICHARD JOSEPH THOMAS CHARLES DANIEL MATTHEW ANTHONY MARK DONALD STEVEN "
    "ANDREW PAUL JOSHUA KENNETH KEVIN BRIAN GEORGE TIMOTHY RONALD JASON EDWARD JEFFREY RYAN JACOB GARY NICHOLAS ERIC "
    "JONATHAN STEPHEN LARRY JUSTIN SCOTT BRANDON BENJAMIN SAMUEL GREGORY ALEXANDER PATRICK FRANK RAYMOND JACK DENNIS "
    "JERRY TYLER AARON JOSE ADAM NATHAN HENRY ZACHARY DOUGLAS PETER KYLE NOAH ETHAN JEREMY CARLOS LUIS MIGUEL WEI RAJ"
)
FEMALE = _words(
    "MARY PATRICIA JENNIFER LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN LISA NANCY BETTY SANDRA MARGARET ASHLEY "
    "KIMBERLY EMILY DONNA MICHELLE CAROL AMANDA MELISSA DEBORAH STEPHANIE DOROTHY REBECCA SHARON LAURA CYNTHIA AMY "
    "KATHLEEN ANGELA SHIRLEY BRENDA EMMA ANNA PAMELA NICOLE SAMANTHA KATHERINE CHRISTINE HELEN DEBRA RACHEL CAROLYN "
    "JANET MARIA CATHERINE HEATHER DIANE OLIVIA JULIE JOYCE VICTORIA RUTH VIRGINIA LAUREN KELLY CHRISTINA JOAN GRACE "
    "SOFIA ISABEL MEI PRIYA AALIYAH"
)
LAST = _words(
    "SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ GONZALEZ WILSON ANDERSON "
    "THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER "
    "YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL MITCHELL "
    "CARTER ROBERTS GOMEZ PHILLIPS EVANS TURNER DIAZ PARKER CRUZ EDWARDS COLLINS REYES STEWART MORRIS MORALES MURPHY "
    "COOK ROGERS GUTIERREZ ORTIZ MORGAN COOPER PETERSON BAILEY REED KELLY HOWARD RAMOS KIM COX WARD RICHARDSON WATSON "
    "BROOKS CHAVEZ WOOD JAMES BENNETT GRAY MENDOZA RUIZ HUGHES PRICE ALVAREZ CASTILLO SANDERS PATEL MYERS LONG ROSS "
    "FOSTER JIMENEZ O'BRIEN MCCARTHY NOVAK KOWALSKI SCHMIDT"
)
STREETS = _words(
    "MAIN OAK PINE MAPLE CEDAR ELM WASHINGTON LAKE HILL PARK SUNSET LINCOLN JEFFERSON MADISON FRANKLIN RIVERSIDE "
    "WILLOW CHESTNUT WALNUT SPRUCE CHERRY MAGNOLIA HIGHLAND FOREST MEADOW SPRING VALLEY RIDGE CHURCH MILL ORCHARD "
    "JACKSON ADAMS MONROE GRANT HARBOR BAY LAUREL BIRCH ASPEN"
)
SUFFIXES = ("STREET", "AVENUE", "BOULEVARD", "DRIVE", "LANE", "ROAD", "COURT", "PLACE", "WAY", "TERRACE")
EYES = (("BRN", 45), ("BLU", 27), ("HAZ", 10), ("GRN", 9), ("GRY", 3), ("BLK", 6))
VALIDITY_YEARS = {"CA": 5, "NY": 8, "TX": 8, "FL": 8, "WA": 8, "PA": 4, "MA": 5}
LICENSE_CLASS = {"NY": "D", "FL": "E"}


@dataclass(frozen=True)
class Identity:
    """One applicant as printed on the licence (upper case, like the card)."""

    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: date
    street: str
    city: str
    state: str
    zip_code: str
    document_number: str
    issue_date: date
    expiration_date: date
    sex: str
    height: str
    eyes: str
    license_class: str
    restrictions: str
    endorsements: str

    def csv_row(self) -> dict[str, str]:
        """The eight CSV fields as the mobile app sends them (mixed case, DOB MM/DD/YYYY, ZIP 5 digits)."""
        return {
            "FIRST_NAME": _typed(self.first_name),
            "LAST_NAME": _typed(self.last_name),
            "CITY_IN_ADDRESS": _typed(self.city),
            "ZIP_CODE_IN_ADDRESS": self.zip_code[:5],
            "STATE_IN_ADDRESS": self.state,
            "DOCUMENT_NUMBER": self.document_number,
            "DATE_OF_BIRTH": self.date_of_birth.strftime("%m/%d/%Y"),
            "ADDRESS": _typed(self.street),
        }


def make_identity(rng: random.Random, state: str, today: date, *, sex: str | None = None) -> Identity:
    """An adult (21–75) holding a licence of `state` issued in the last two years and valid on `today`; `sex` "M"
    or "F" (default random). The licence number is the shortest of three drawn, which favours a state's common
    formats over its rare long ones."""
    male = rng.random() < 0.5 if sex is None else sex == "M"
    given = MALE if male else FEMALE
    first = rng.choice(given)
    middle = rng.choice([name for name in given if name != first])
    birth = _birthday(rng, today, rng.randint(21, 75))
    city, zip_code = rng.choice(CITIES[state])
    issue = today - timedelta(days=rng.randint(0, 700))
    return Identity(
        first_name=first,
        middle_name=middle,
        last_name=rng.choice(LAST),
        date_of_birth=birth,
        street=_street(rng),
        city=city,
        state=state,
        zip_code=zip_code,
        document_number=min((example_license_number(state, rng) for _ in range(3)), key=len),
        issue_date=issue,
        expiration_date=expiry(birth, issue, VALIDITY_YEARS.get(state, 8)),
        sex="M" if male else "F",
        height=_height(rng, male),
        eyes=rng.choices([code for code, _ in EYES], weights=[weight for _, weight in EYES])[0],
        license_class=LICENSE_CLASS.get(state, "C"),
        restrictions="B" if rng.random() < 0.25 else "NONE",
        endorsements="NONE",
    )


def applicant(
    rng: random.Random,
    state: str,
    today: date,
    *,
    sex: str | None = None,
    expired: bool = False,
    underage: bool = False,
    invalid_number: bool = False,
) -> Identity:
    """The licence holder, made wrong in the ways asked for. An under-age holder turned 16 in the last two months
    and got the licence since (so cannot also hold an expired one)."""
    if underage and expired:
        raise ValueError("an under-age holder's licence is too recent to have expired")
    identity = make_identity(rng, state, today, sex=sex)
    years = VALIDITY_YEARS.get(state, 8)
    if underage:
        birth = on_birthday(today, today.year - 16) - timedelta(days=rng.randint(0, 60))
        issue = on_birthday(birth, birth.year + 16) + timedelta(days=rng.randint(0, 60))
        issue = min(issue, today)
        identity = replace(identity, date_of_birth=birth, issue_date=issue, expiration_date=expiry(birth, issue, years))
    if expired:
        issue = date(today.year - years - rng.randint(1, 2), rng.randint(1, 12), rng.randint(1, 28))
        identity = replace(identity, issue_date=issue, expiration_date=expiry(identity.date_of_birth, issue, years))
    if invalid_number:
        identity = replace(identity, document_number=invalid_license_number(identity.document_number, state, rng))
    return identity


def invalid_license_number(number: str, state: str, rng: random.Random) -> str:
    """A look-alike of `number` that fails the state's licence-number format: one digit too many or too few."""
    for candidate in (number + str(rng.randint(0, 9)), number[:-1], "0" + number):
        if not validate_license(candidate, state, frozenset()).valid:
            return candidate
    raise ValueError(f"no invalid variant found for a {state} licence number")


def expiry(birth: date, issue: date, years: int) -> date:
    """Licences expire on the holder's birthday `years` after the year of issue."""
    return on_birthday(birth, issue.year + years)


def _birthday(rng: random.Random, today: date, age: int) -> date:
    """A date of birth that makes the holder exactly `age` on `today`."""
    latest = on_birthday(today, today.year - age)
    earliest = on_birthday(today, today.year - age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def on_birthday(birth: date, year: int) -> date:
    """The birthday of someone born on `birth` in `year` (1 March for 29 February in a common year)."""
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def _street(rng: random.Random) -> str:
    line = f"{rng.randint(1, 9899)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}"
    if rng.random() < 0.1:
        line += f" APT {rng.randint(1, 40)}{rng.choice('ABCD')}"
    return line


def _height(rng: random.Random, male: bool) -> str:
    inches = round(rng.gauss(69.5 if male else 64.0, 2.8))
    inches = min(max(inches, 58), 79)
    return f"{inches // 12}-{inches % 12:02d}"


def _typed(text: str) -> str:
    """How a person types a card value: capitalised words, numbers and codes unchanged."""
    return " ".join(_capitalised(word) if word.replace("'", "").isalpha() else word for word in text.split())


def _capitalised(word: str) -> str:
    return "'".join(part.capitalize() for part in word.split("'"))
