"""Which county a mainland resident's hukou is in.

The hukou address on the ID card is the better guide (the one written on the chip after a move, if any, else the
printed one): the number's first six digits are the place of first registration and never change after a move. So the address decides when it names a county; the number is
only a fallback, flagged for a registrar to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.domain.divisions import (
    GUANGDONG,
    GUANGDONG_OTHER_CITIES,
    HEYUAN_CITY_NAME,
    HEYUAN_COUNTIES,
    PROVINCES,
)

_COUNTY_BY_NAME = {name: code for code, name in HEYUAN_COUNTIES.items()}


@dataclass(frozen=True)
class Hukou:
    county: str | None  # GB/T 2260 code of the county, None when not known
    in_city: bool | None  # hukou in Heyuan? None when it cannot be told
    source: Literal["address", "id_number", "none"]

    @property
    def confirmed(self) -> bool:
        """Only an address that names the place is taken without a registrar's confirmation."""
        return self.source == "address"


def _county_at_start(rest: str) -> str | None:
    for name, code in _COUNTY_BY_NAME.items():
        if rest.startswith(name):
            return code
    return None


def hukou_from_address(address: str) -> Hukou | None:
    """The hukou the address names, or None when the address does not say (then fall back to the number)."""
    text = "".join(address.split())
    if not text:
        return None
    if text.startswith(PROVINCES) and not text.startswith(GUANGDONG):
        return Hukou(None, False, "address")  # another province
    rest = text.removeprefix(GUANGDONG)
    if rest.startswith(GUANGDONG_OTHER_CITIES):
        return Hukou(None, False, "address")  # another city of Guangdong
    county = _county_at_start(rest.removeprefix(HEYUAN_CITY_NAME))
    if county:
        return Hukou(county, True, "address")  # 广东省河源市紫金县…, 广东省紫金县…, 紫金县…
    return None  # 河源市 without a county (e.g. 江东新区), or no place: unclear


def hukou_from_id_number(division: str) -> Hukou:
    if division in HEYUAN_COUNTIES:
        return Hukou(division, True, "id_number")
    if division.startswith("4416"):
        return Hukou(None, True, "id_number")  # the city, county unknown (e.g. 441600, 441601)
    return Hukou(None, False, "id_number")


def hukou_of(address: str, id_number_division: str | None) -> Hukou:
    found = hukou_from_address(address)
    if found is not None:
        return found
    if id_number_division:
        return hukou_from_id_number(id_number_division)
    return Hukou(None, None, "none")
