"""Text block decoding for the three card types (pure)."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.domain.idnumber import parse_id_number
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import idcard_record as r

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "cards"
FIXTURES = sorted(CARDS.glob("*.json"))
SIM_ONLY = {"photo_bytes", "photo_base64", "fingerprint_templates", "appended_address"}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_fixtures_cover_the_three_types_and_the_hard_cases():
    cards = [load(p) for p in FIXTURES]
    assert {c["card_type"] for c in cards} == {"resident_id", "foreign_permanent_resident", "hmt_residence_permit"}
    assert any(c["valid_until"] == "long_term" for c in cards)
    assert any(c["valid_until"] < "2026-01-01" for c in cards)  # an expired card
    assert any(set(c["name"]) & set("䶮堃喆珺燚") for c in cards)  # rare BMP characters


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_round_trips_through_the_text_block(path):
    data = load(path)
    record = r.record_from_fields(data, photo=b"p" * 1024)
    block = r.encode_text_block(record)
    assert len(block) == 256
    decoded = r.decode_text_block(block, b"p" * 1024)
    assert decoded == replace(record, appended_address="")  # read apart (30 03), not in the text block
    out = decoded.fields_for_output()
    assert out == {k: v for k, v in data.items() if k not in SIM_ONLY}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_id_numbers_are_valid(path):
    data = load(path)
    if data["card_type"] != "foreign_permanent_resident":
        parse_id_number(data["id_number"])  # raises unless the GB 11643 check character matches
        assert int(data["id_number"][16]) % 2 == (1 if data["sex"] == "male" else 0)


def test_resident_layout_offsets():
    record = r.record_from_fields(load(CARDS / "resident_long_term.json"))
    block = r.encode_text_block(record)
    assert block[0:4].decode("utf-16-le") == "陈䶮"
    assert block[30:32].decode("utf-16-le") == "1"
    assert block[32:36].decode("utf-16-le") == "01"
    assert block[36:52].decode("utf-16-le") == "19680315"
    assert block[204:208].decode("utf-16-le") == "长期"
    assert block[208:220] == " ".encode("utf-16-le") * 6
    assert r.card_type_of(block) == "resident_id"


def test_foreign_and_hmt_markers():
    fpr = r.encode_text_block(r.record_from_fields(load(CARDS / "foreign_permanent_resident.json")))
    assert fpr[248:250].decode("utf-16-le") == "I" and fpr[152:158].decode("utf-16-le") == "USA"
    hmt = r.encode_text_block(r.record_from_fields(load(CARDS / "hmt_residence_permit.json")))
    assert hmt[248:250].decode("utf-16-le") == "J" and hmt[220:238].decode("utf-16-le") == "H12345678"


def test_nation_table():
    assert len(r.NATIONS) == 58 and r.NATIONS["01"] == "汉" and r.NATIONS["56"] == "基诺"
    assert r.NATIONS["22"] == "畲" and r.NATIONS["98"] == "外国血统"


def test_a_fixture_without_a_type_is_a_resident_card():
    bare = {"name": "王五", "sex": "male", "birth": "1990-01-01", "id_number": "441621199001011234"}
    assert r.record_from_fields(bare).card_type == "resident_id"
    hmt = r.record_from_fields(
        {**load(CARDS / "hmt_residence_permit.json"), "card_type": None, "document": "hmt_residence_permit"}
    )
    assert hmt.card_type == "hmt_residence_permit"
    with pytest.raises(r.CardTextError):
        r.record_from_fields({**bare, "card_type": "passport"})


def test_astral_characters_cannot_be_on_a_card():
    record = r.record_from_fields(load(CARDS / "resident_long_term.json"))
    with pytest.raises(r.CardTextError, match="BMP"):
        r.encode_text_block(replace(record, name="王𬌗"))


def test_overlong_field_is_refused():
    record = r.record_from_fields(load(CARDS / "resident_long_term.json"))
    with pytest.raises(r.CardTextError, match="fit"):
        r.encode_text_block(replace(record, name="一" * 16))


def test_bad_blocks():
    with pytest.raises(r.CardTextError):
        r.decode_text_block(b" " * 255)
    block = bytearray(r.encode_text_block(r.record_from_fields(load(CARDS / "resident_expired.json"))))
    block[36:52] = "1985XX02".encode("utf-16-le")
    with pytest.raises(r.CardTextError, match="birth"):
        r.decode_text_block(bytes(block))


def test_unknown_sex_and_nation_codes_do_not_crash():
    block = bytearray(r.encode_text_block(r.record_from_fields(load(CARDS / "resident_expired.json"))))
    block[30:32], block[32:36] = "9".encode("utf-16-le"), "77".encode("utf-16-le")
    rec = r.decode_text_block(bytes(block))
    assert rec.sex == "unknown" and rec.nation == "" and rec.nation_code == "77"


@given(st.binary(min_size=256, max_size=256))
@settings(max_examples=300)
def test_any_block_decodes_or_raises_card_text_error(block):
    try:
        r.decode_text_block(block)
    except r.CardTextError:
        pass


# --- edges: which card a broken decoder would misread ------------------------------------------------------------

BARE = {"name": "王五", "sex": "female", "birth": "1990-01-02", "id_number": "441621199001021229"}


def test_record_from_fields_defaults_and_conversions():
    rec = r.record_from_fields({"id_number": 441621199001021229, "photo": "ignored", "colour": "red"})
    assert (rec.card_type, rec.name, rec.sex, rec.birth, rec.id_number, rec.photo, rec.fingerprints) == (
        "resident_id",
        "",
        "unknown",
        "",
        "441621199001021229",
        b"",
        b"",
    )
    rec = r.record_from_fields(BARE, photo=b"P", fingerprints=b"F")
    assert (rec.photo, rec.fingerprints, rec.nation, rec.nation_code) == (b"P", b"F", "", "")


def test_record_from_fields_fills_the_nation_code_of_a_resident_card_only():
    assert r.record_from_fields({**BARE, "nation": "畲"}).nation_code == "22"
    assert r.record_from_fields({**BARE, "nation": "畲", "nation_code": "01"}).nation_code == "01"
    assert r.record_from_fields({**BARE, "nation": "火星"}).nation_code == ""
    hmt = r.record_from_fields({**BARE, "card_type": "hmt_residence_permit", "nation": "汉"})
    assert hmt.nation_code == ""


def test_record_from_fields_names_the_allowed_card_types():
    with pytest.raises(
        r.CardTextError,
        match=r"card_type must be one of \['foreign_permanent_resident', "
        r"'hmt_residence_permit', 'resident_id'\]",
    ):
        r.record_from_fields({**BARE, "document": "passport"})


def test_encoding_fills_the_nation_code_from_the_nation_and_unknown_sex_as_9():
    rec = replace(r.record_from_fields({**BARE, "nation": "回"}), nation_code="", sex="unknown")
    block = r.encode_text_block(rec)
    assert block[32:36].decode("utf-16-le") == "03" and block[30:32].decode("utf-16-le") == "9"
    assert r.decode_text_block(block).nation == "回"
    male = r.encode_text_block(replace(rec, sex="male"))
    assert male[30:32].decode("utf-16-le") == "1"
    female = r.encode_text_block(replace(rec, sex="female"))
    assert female[30:32].decode("utf-16-le") == "2"


def test_a_resident_block_has_no_type_marker_and_is_space_padded():
    block = r.encode_text_block(r.record_from_fields(BARE))
    assert block[248:256] == " ".encode("utf-16-le") * 4
    assert block[4:30] == " ".encode("utf-16-le") * 13
    assert block[36:52].decode("utf-16-le") == "19900102"


def test_decoding_trims_trailing_spaces_and_nuls_but_not_leading_ones():
    block = bytearray(r.encode_text_block(r.record_from_fields(BARE)))
    block[0:30] = (" 王五" + "\x00" * 3 + " " * 9).encode("utf-16-le")
    assert r.decode_text_block(bytes(block)).name == " 王五"
    block[0:2] = b"\x00\xdc"  # a lone low surrogate is not UCS-2
    with pytest.raises(r.CardTextError, match="UCS-2"):
        r.decode_text_block(bytes(block))


def test_a_field_that_exactly_fills_its_space_fits():
    rec = replace(r.record_from_fields(BARE), name="一" * 15)
    assert r.decode_text_block(r.encode_text_block(rec)).name == "一" * 15
    rec = replace(r.record_from_fields(BARE), name="王\uffff")
    assert r.decode_text_block(r.encode_text_block(rec)).name == "王\uffff"


@pytest.mark.parametrize(
    "field,value,ok",
    [
        ("valid_until", "长期", "long_term"),
        ("valid_from", "", ""),
        ("valid_until", "", ""),
        ("birth", "长期", None),
        ("valid_from", "2020010", None),
        ("valid_from", "20200101", "2020-01-01"),
    ],
)
def test_card_dates(field, value, ok):
    offsets = {"birth": 36, "valid_from": 188, "valid_until": 204}
    block = bytearray(r.encode_text_block(r.record_from_fields(BARE)))
    o = offsets[field]
    block[o : o + 16] = (value + " " * (8 - len(value))).encode("utf-16-le")
    if ok is None:
        with pytest.raises(r.CardTextError, match=f"{field} is not a YYYYMMDD date"):
            r.decode_text_block(bytes(block))
    else:
        assert getattr(r.decode_text_block(bytes(block)), field) == ok


def test_output_fields_per_card_type():
    fpr = r.record_from_fields(load(CARDS / "foreign_permanent_resident.json")).fields_for_output()
    assert {"name_en", "nationality", "card_version", "authority_code"} <= set(fpr) and "nation_code" not in fpr
    hmt = r.record_from_fields(load(CARDS / "hmt_residence_permit.json")).fields_for_output()
    assert {"pass_number", "issue_count"} <= set(hmt) and "photo" not in hmt


def test_the_first_character_outside_the_bmp_is_refused_and_the_last_inside_fits():
    record = r.record_from_fields(BARE)
    with pytest.raises(r.CardTextError, match="name: a character outside the BMP"):
        r.encode_text_block(replace(record, name="王\U00010000"))


def test_an_overlong_field_names_itself_and_its_room():
    record = r.record_from_fields(BARE)
    with pytest.raises(r.CardTextError, match="name: '一{16}' does not fit in 15 characters"):
        r.encode_text_block(replace(record, name="一" * 16))
    with pytest.raises(r.CardTextError, match="address: .* does not fit in 35 characters"):
        r.encode_text_block(replace(record, address="路" * 36))


def test_an_unknown_nation_encodes_as_no_code():
    block = r.encode_text_block(replace(r.record_from_fields({**BARE, "nation": "火星"}), nation_code=""))
    assert block[32:36] == " ".encode("utf-16-le") * 2


def test_photo_and_fingerprints_are_kept_only_when_read_and_a_missing_number_is_empty():
    block = r.encode_text_block(r.record_from_fields(BARE))
    assert (r.decode_text_block(block).photo, r.decode_text_block(block).fingerprints) == (b"", b"")
    assert r.decode_text_block(block, b"P", b"F").fingerprints == b"F"
    assert r.record_from_fields({"name": "王五"}).id_number == ""
    with pytest.raises(r.CardTextError) as e:
        r.decode_text_block(b" " * 255)
    assert str(e.value) == "text block is 255 bytes, not 256"
