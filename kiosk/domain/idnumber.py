"""GB 11643 citizen identity numbers: 6-digit division code, 8-digit birth date, 3-digit sequence
(odd = male, even = female), one ISO 7064 MOD 11-2 check character ('X' for 10).

python-stdnum's `stdnum.cn.ric` computes the check character and the birth date; we do not use its
division database to reject numbers, since codes of abolished or renamed counties stay on old cards,
and HK/Macao/Taiwan residence permits use 810000/820000/830000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

HMT_PREFIXES = {"810000": "hong_kong", "820000": "macao", "830000": "taiwan"}


class InvalidIdNumber(ValueError):
    """The number is not a well-formed GB 11643 number; `problem` says why in English."""

    def __init__(self, problem: str):
        self.problem = problem
        super().__init__(problem)


@dataclass(frozen=True)
class IdNumber:
    number: str
    division: str
    birth: date
    sex: str  # "male" | "female"

    @property
    def hmt_region(self) -> str | None:
        return HMT_PREFIXES.get(self.division)


def normalise(number: str) -> str:
    return number.strip().replace(" ", "").upper()


def parse_id_number(number: str) -> IdNumber:
    n = normalise(number)
    if len(n) != 18:
        raise InvalidIdNumber(f"must be 18 characters, has {len(n)}")
    if not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
        raise InvalidIdNumber("must be 17 digits followed by a digit or X")
    if ric.calc_check_digit(n) != n[17]:
        raise InvalidIdNumber("check character does not match")
    try:
        birth = ric.get_birth_date(n)
    except ValidationError:
        raise InvalidIdNumber("birth date in the number is not a real date") from None
    if birth.year < 1880:
        raise InvalidIdNumber("birth year in the number is implausible")
    sex = "male" if int(n[16]) % 2 == 1 else "female"
    return IdNumber(number=n, division=n[:6], birth=birth, sex=sex)


def check_character(first17: str) -> str:
    """The check character for 17 digits (used by fixtures and the demo seed to make valid numbers)."""
    return ric.calc_check_digit(first17 + "0")
