"""Text block decoding for the three card types (pure)."""
import json
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.domain.idnumber import is_valid_id_number
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
    assert any(c["valid_until"] < "2026-01-01" for c in cards)          # an expired card
    assert any(set(c["name"]) & set("䶮堃喆珺燚") for c in cards)        # rare BMP characters


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_round_trips_through_the_text_block(path):
    data = load(path)
    record = r.record_from_fields(data, photo=b"p" * 1024)
    block = r.encode_text_block(record)
    assert len(block) == 256
    decoded = r.decode_text_block(block, b"p" * 1024)
    assert decoded == record
    out = decoded.fields_for_output()
    assert out == {k: v for k, v in data.items() if k not in SIM_ONLY}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_id_numbers_are_valid(path):
    data = load(path)
    if data["card_type"] != "foreign_permanent_resident":
        assert is_valid_id_number(data["id_number"])   # GB 11643 check character
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
    hmt = r.record_from_fields({**load(CARDS / "hmt_residence_permit.json"), "card_type": None,
                                "document": "hmt_residence_permit"})
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
