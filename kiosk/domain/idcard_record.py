"""What an ID card reader returns, as one typed record; decoding (and encoding) of the 256-byte text block.

Pure: no I/O. The text block is UCS-2 little-endian, space padded (trailing spaces only are trimmed). Layouts
(docs/devices/idcard.md): resident ID card; Foreign Permanent Resident ID card (2017 layout, marker 'I' at bytes
248–249); residence permit for Hong Kong, Macao and Taiwan residents (marker 'J', layout *unverified*).
UCS-2 carries only the Basic Multilingual Plane: rare name characters such as 䶮 堃 喆 珺 燚 fit, astral ones
(e.g. 𬌗) cannot be on a card, and encoding one is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

CardType = Literal["resident_id", "foreign_permanent_resident", "hmt_residence_permit"]
TEXT_BLOCK_SIZE = 256
LONG_TERM = "long_term"
_LONG_TERM_ON_CARD = "长期"

# GB 3304-1991 nation codes as printed on resident ID cards (97 other, 98 foreign blood).
NATIONS: dict[str, str] = {
    f"{i:02d}": n
    for i, n in enumerate(
        (
            "汉",
            "蒙古",
            "回",
            "藏",
            "维吾尔",
            "苗",
            "彝",
            "壮",
            "布依",
            "朝鲜",
            "满",
            "侗",
            "瑶",
            "白",
            "土家",
            "哈尼",
            "哈萨克",
            "傣",
            "黎",
            "傈僳",
            "佤",
            "畲",
            "高山",
            "拉祜",
            "水",
            "东乡",
            "纳西",
            "景颇",
            "柯尔克孜",
            "土",
            "达斡尔",
            "仫佬",
            "羌",
            "布朗",
            "撒拉",
            "毛南",
            "仡佬",
            "锡伯",
            "阿昌",
            "普米",
            "塔吉克",
            "怒",
            "乌孜别克",
            "俄罗斯",
            "鄂温克",
            "德昂",
            "保安",
            "裕固",
            "京",
            "塔塔尔",
            "独龙",
            "鄂伦春",
            "赫哲",
            "门巴",
            "珞巴",
            "基诺",
        ),
        start=1,
    )
}
NATIONS.update({"97": "其他", "98": "外国血统"})
_NATION_CODES = {name: code for code, name in NATIONS.items()}


class CardTextError(ValueError):
    """The text block cannot be decoded (wrong size, not UCS-2, a field that is not what its layout says)."""


@dataclass(frozen=True)
class IdCardRecord:
    """One card as read. Dates are YYYY-MM-DD; `valid_until` may be LONG_TERM. Photo kept as opaque WLT bytes."""

    card_type: CardType
    name: str = field(repr=False)
    sex: str  # male | female | unknown
    birth: str = field(repr=False)
    id_number: str = field(repr=False)
    valid_from: str = ""
    valid_until: str = ""
    nation: str = ""  # resident cards only
    nation_code: str = ""
    address: str = field(default="", repr=False)
    authority: str = ""
    name_en: str = field(default="", repr=False)  # foreign permanent resident card
    nationality: str = ""  # GB/T 2659 alpha-3 (foreign permanent resident card)
    card_version: str = ""
    authority_code: str = ""
    pass_number: str = field(default="", repr=False)  # HMT permit: the Home Return / Taiwan pass number
    issue_count: str = ""
    photo: bytes = field(default=b"", repr=False)
    fingerprints: bytes = field(default=b"", repr=False)
    # resident card: the address the police wrote on the chip after a move (read 30 03), not in the text block
    appended_address: str = field(default="", repr=False)

    @property
    def current_address(self) -> str:
        """Where the holder is registered now: the appended address when there is one, else the printed one."""
        return self.appended_address or self.address

    def fields_for_output(self) -> dict[str, str]:
        """The printable fields of this card type (the names `kiosk-diag idcard read --json` prints), photo and fingerprints excluded."""
        common = [
            "card_type",
            "name",
            "sex",
            "nation",
            "birth",
            "address",
            "id_number",
            "authority",
            "valid_from",
            "valid_until",
        ]
        extra = {
            "resident_id": ["nation_code"],
            "foreign_permanent_resident": ["name_en", "nationality", "card_version", "authority_code"],
            "hmt_residence_permit": ["pass_number", "issue_count"],
        }[self.card_type]
        return {k: getattr(self, k) for k in common + extra}


# (field, byte offset, byte length) per layout; the marker character sits at 248–249.
_RESIDENT = (
    ("name", 0, 30),
    ("sex", 30, 2),
    ("nation_code", 32, 4),
    ("birth", 36, 16),
    ("address", 52, 70),
    ("id_number", 122, 36),
    ("authority", 158, 30),
    ("valid_from", 188, 16),
    ("valid_until", 204, 16),
)
# The HMT residence permit: the resident card's places but the nation code, and two more (layout *unverified*).
_HMT = tuple(f for f in _RESIDENT if f[0] != "nation_code") + (("pass_number", 220, 18), ("issue_count", 238, 4))
_FOREIGN = (
    ("name_en", 0, 120),
    ("sex", 120, 2),
    ("id_number", 122, 30),
    ("nationality", 152, 6),
    ("name", 158, 30),
    ("valid_from", 188, 16),
    ("valid_until", 204, 16),
    ("birth", 220, 16),
    ("card_version", 236, 4),
    ("authority_code", 240, 8),
)
_LAYOUTS = {"resident_id": _RESIDENT, "foreign_permanent_resident": _FOREIGN, "hmt_residence_permit": _HMT}
_MARKERS = {"I": "foreign_permanent_resident", "J": "hmt_residence_permit"}
_TYPE_MARKER = {v: k for k, v in _MARKERS.items()}
_DATES = ("birth", "valid_from", "valid_until")
_SEX = {"1": "male", "2": "female"}
_SEX_CODE = {"male": "1", "female": "2"}


def card_type_of(block: bytes) -> CardType:
    return _MARKERS.get(_text(block[248:250]), "resident_id")  # type: ignore[return-value]


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-16-le").rstrip(" ").rstrip("\x00")
    except UnicodeDecodeError:
        raise CardTextError("text is not UCS-2") from None


def _card_date(value: str, name: str, allow_long_term: bool) -> str:
    if allow_long_term and value == _LONG_TERM_ON_CARD:
        return LONG_TERM
    if value == "":
        return ""
    if len(value) != 8 or not value.isdigit():
        raise CardTextError(f"{name} is not a YYYYMMDD date")
    return f"{value[:4]}-{value[4:6]}-{value[6:]}"


def decode_text_block(block: bytes, photo: bytes = b"", fingerprints: bytes = b"") -> IdCardRecord:
    """The typed record for a 256-byte text block (raises CardTextError if it cannot be one)."""
    if len(block) != TEXT_BLOCK_SIZE:
        raise CardTextError(f"text block is {len(block)} bytes, not {TEXT_BLOCK_SIZE}")
    card_type = card_type_of(block)
    values: dict[str, str] = {}
    for name, offset, length in _LAYOUTS[card_type]:
        values[name] = _text(block[offset : offset + length])
    for name in _DATES:
        values[name] = _card_date(values[name], name, name == "valid_until")
    values["sex"] = _SEX.get(values["sex"], "unknown")
    if card_type == "resident_id":
        values["nation"] = NATIONS.get(values["nation_code"], "")
    return IdCardRecord(card_type=card_type, photo=bytes(photo), fingerprints=bytes(fingerprints), **values)


def _put(block: bytearray, offset: int, length: int, value: str, name: str) -> None:
    if any(ord(c) > 0xFFFF for c in value):
        raise CardTextError(f"{name}: a character outside the BMP cannot be stored in UCS-2")
    raw = value.encode("utf-16-le")
    if len(raw) > length:
        raise CardTextError(f"{name}: '{value}' does not fit in {length // 2} characters")
    block[offset : offset + length] = raw + " ".encode("utf-16-le") * ((length - len(raw)) // 2)


def encode_text_block(record: IdCardRecord) -> bytes:
    """The 256-byte text block a card of this record holds (the inverse of decode_text_block)."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_BLOCK_SIZE // 2))
    values = {f.name: getattr(record, f.name) for f in fields(record)}
    for name in _DATES:
        v = values[name]
        values[name] = _LONG_TERM_ON_CARD if v == LONG_TERM else v.replace("-", "")
    values["sex"] = _SEX_CODE.get(record.sex, "9")
    if not values["nation_code"]:  # only the resident layout stores it
        values["nation_code"] = _NATION_CODES.get(record.nation, "")
    for name, offset, length in _LAYOUTS[record.card_type]:
        _put(block, offset, length, values[name], name)
    if record.card_type in _TYPE_MARKER:
        _put(block, 248, 2, _TYPE_MARKER[record.card_type], "card type")
    return bytes(block)


def record_from_fields(data: dict[str, Any], photo: bytes = b"", fingerprints: bytes = b"") -> IdCardRecord:
    """A record from output-style fields (a card fixture or `kiosk-diag idcard read --reveal` JSON)."""
    names = {f.name for f in fields(IdCardRecord)} - {"photo", "fingerprints"}
    known = {k: str(v) for k, v in data.items() if k in names}
    # A fixture without a type is a resident card; `document` (as in `kiosk-diag check`) names it too.
    known["card_type"] = str(data.get("card_type") or data.get("document") or "resident_id")
    if known["card_type"] not in _LAYOUTS:
        raise CardTextError(f"card_type must be one of {sorted(_LAYOUTS)}")
    record = IdCardRecord(**{"name": "", "sex": "unknown", "birth": "", "id_number": "", **known})  # type: ignore[arg-type]
    if record.card_type == "resident_id" and record.nation and not record.nation_code:
        record = replace(record, nation_code=_NATION_CODES.get(record.nation, ""))
    return replace(record, photo=photo, fingerprints=fingerprints)
