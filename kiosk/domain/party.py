"""A party to a registration as the rules see them: from an ID card read, a booking, or `kiosk-diag check` input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from kiosk.domain.dates import LONG_TERM
from kiosk.domain.hukou import Hukou, hukou_of
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.idnumber import InvalidIdNumber, IdNumber, normalise, parse_id_number

Document = Literal["resident_id", "foreign_permanent_resident", "hmt_residence_permit", "passport", "hmt_travel_permit"]
DOCUMENT_KINDS: tuple[str, ...] = Document.__args__  # type: ignore[attr-defined]
SEXES = ("male", "female")

# Foreign Permanent Resident ID: 2017 card = 3-letter nationality + 12 digits; 2023 card = 18 chars starting
# with 9 and a GB 11643 check character (layout unverified, so only the check character is tested).
_FPR_2017 = re.compile(r"^[A-Z]{3}\d{12}$")


@dataclass(frozen=True)
class Party:
    document: Document
    id_number: str = ""
    name: str = field(default="", repr=False)
    sex: str | None = None
    birth: date | None = None
    address: str = field(default="", repr=False)
    valid_until: date | str | None = None  # a date, LONG_TERM, or None when not known
    military: bool = False
    nationality: str = ""  # ISO 3166 alpha-3 for passports; "CHN" = overseas Chinese

    @property
    def mainland(self) -> bool:
        """Mainland (内地) resident: holds a resident ID card and a hukou."""
        return self.document == "resident_id"

    @property
    def status(self) -> str:
        """mainland, hmt (HK/Macao/Taiwan resident), overseas_chinese or foreigner."""
        if self.mainland:
            return "mainland"
        if self.document in ("hmt_residence_permit", "hmt_travel_permit"):
            return "hmt"
        if self.document == "passport" and self.nationality.upper() == "CHN":
            return "overseas_chinese"
        return "foreigner"

    def parsed_id(self) -> IdNumber | None:
        """The GB 11643 reading of the number for documents that carry one; None when it is not valid."""
        if self.document not in ("resident_id", "hmt_residence_permit") and not (
            self.document == "foreign_permanent_resident" and len(self.id_number.strip()) == 18
        ):
            return None
        try:
            return parse_id_number(self.id_number)
        except InvalidIdNumber:
            return None

    def id_problem(self) -> str | None:
        """Why the document number is not acceptable, or None."""
        n = self.id_number.strip().upper()
        if self.document in ("passport", "hmt_travel_permit"):
            return None if n else "document number missing"
        if self.document == "foreign_permanent_resident" and len(n) == 15:
            return None if _FPR_2017.match(n) else "not a foreign permanent resident card number"
        try:
            parsed = parse_id_number(n)
        except InvalidIdNumber as e:
            return e.problem
        if self.document == "hmt_residence_permit" and parsed.hmt_region is None:
            return "a residence permit number starts with 810000, 820000 or 830000"
        if self.document == "resident_id" and parsed.hmt_region is not None:
            return "this is a residence permit number, not a resident ID number"
        return None

    def disagreement(self) -> str | None:
        """'birth_mismatch' or 'sex_mismatch' when the card's printed birth date or sex disagrees with its (valid)
        number: the number is fine, the card needs the police's attention."""
        parsed = self.parsed_id()
        if parsed is None:
            return None
        if self.birth and self.birth != parsed.birth:
            return "birth_mismatch"
        if self.sex and self.sex != parsed.sex:
            return "sex_mismatch"
        return None

    def same_person_as(self, other: Party) -> bool:
        """Two reads of one document (the same card presented twice)."""
        mine = normalise(self.id_number)
        return bool(mine) and self.document == other.document and mine == normalise(other.id_number)

    def effective_birth(self) -> date | None:
        if self.birth:
            return self.birth
        parsed = self.parsed_id()
        return parsed.birth if parsed else None

    def effective_sex(self) -> str | None:
        if self.sex:
            return self.sex
        parsed = self.parsed_id()
        return parsed.sex if parsed else None

    def hukou(self) -> Hukou | None:
        """Mainland parties only; others have no hukou."""
        if not self.mainland:
            return None
        parsed = self.parsed_id()
        return hukou_of(self.address, parsed.division if parsed else None)


def party_from_dict(data: dict[str, Any]) -> Party:
    """Build a Party from JSON-like data (as `kiosk-diag check` reads it); raises ValueError naming the field."""
    if not isinstance(data, dict):
        raise ValueError("each party must be an object")
    allowed = {
        "document",
        "id_number",
        "name",
        "sex",
        "birth",
        "address",
        "valid_until",
        "military",
        "nationality",
        "nation",
        "card_type",
    }
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown party field(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    document = data.get("document", data.get("card_type", "resident_id"))
    if document not in DOCUMENT_KINDS:
        raise ValueError(f"document '{document}' is not one of {list(DOCUMENT_KINDS)}")
    sex = data.get("sex")
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex '{sex}' is not one of {list(SEXES)}")
    valid_until = data.get("valid_until")
    if valid_until not in (None, LONG_TERM):
        valid_until = _date(valid_until, "valid_until")
    military = data.get("military", False)
    if not isinstance(military, bool):
        raise ValueError("military must be true or false")
    return Party(
        document=document,
        id_number=str(data.get("id_number") or ""),
        name=str(data.get("name") or ""),
        sex=sex,
        birth=_date(data["birth"], "birth") if data.get("birth") else None,
        address=str(data.get("address") or ""),
        valid_until=valid_until,
        military=military,
        nationality=str(data.get("nationality") or ""),
    )


def _date(value: object, field_name: str) -> date:
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field_name} '{value}' is not a real date (YYYY-MM-DD)") from None


def party_from_card(card: IdCardRecord, military: bool = False) -> Party:
    """A Party from an ID card record; an empty field is unknown."""
    valid_until: date | str | None = card.valid_until
    if valid_until != LONG_TERM:
        valid_until = date.fromisoformat(card.valid_until) if card.valid_until else None
    return Party(
        document=card.card_type,
        id_number=card.id_number,
        name=card.name,
        sex=card.sex or None,
        birth=date.fromisoformat(card.birth) if card.birth else None,
        address=card.current_address,
        valid_until=valid_until,
        military=military,
        nationality=card.nationality,
    )
