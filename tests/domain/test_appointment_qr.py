"""Appointment QR codes: which scans the kiosk takes to the server, which it calls damaged, which are not ours."""

import zlib

import pytest

from kiosk.domain.appointment_qr import make_appointment_qr, parse_appointment_qr, qr_checksum

TOKEN = "ABCDEFGHIJKLMNOP"
GOOD = make_appointment_qr("441621", TOKEN)


def test_a_good_code_names_its_office_and_token():
    assert make_appointment_qr("441621", TOKEN) == GOOD
    assert make_appointment_qr("441602", TOKEN).startswith(f"MR1:441602:{TOKEN}:")
    assert GOOD == f"MR1:441621:{TOKEN}:{zlib.crc32(f'MR1:441621:{TOKEN}'.encode()):08X}"
    out = parse_appointment_qr(GOOD)
    assert (out.kind, out.office, out.token) == ("appointment", "441621", TOKEN)


def test_checksum_is_eight_upper_hex_digits_of_the_crc32():
    assert qr_checksum("MR1:441621:" + TOKEN) == f"{zlib.crc32(('MR1:441621:' + TOKEN).encode()):08X}"
    assert len(qr_checksum("")) == 8 and qr_checksum("") == "00000000"
    assert qr_checksum("a") == "E8B7BE43"  # a CRC with the top bit set stays unsigned, 8 digits


@pytest.mark.parametrize(
    "wrapped",
    [
        f"https://example.org/booking?mr={GOOD}",
        f"HTTP://wx.example/a?x=1&mr={GOOD}",
        f"  https://example.org/b?mr={GOOD}%20  ",
        f"\t{GOOD}\n",
    ],
)
def test_the_code_arrives_bare_or_as_the_mr_parameter_of_a_link(wrapped):
    out = parse_appointment_qr(wrapped)
    assert (out.kind, out.office, out.token) == ("appointment", "441621", TOKEN)


def test_a_link_without_the_mr_parameter_is_not_ours():
    assert parse_appointment_qr("https://example.org/booking?x=" + GOOD).kind == "unknown"
    assert parse_appointment_qr("https://example.org/").kind == "unknown"


@pytest.mark.parametrize(
    "damaged",
    [
        GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1"),  # checksum off by one digit
        GOOD.replace("441621", "441622"),  # office changed, checksum not
        GOOD.replace(TOKEN, TOKEN[::-1]),  # token changed
        "MR1:441621:garbled",
        "MR:441621",
        "MR2:something",
    ],
)
def test_a_damaged_code_of_ours_is_garbled_not_sent_to_the_server(damaged):
    assert parse_appointment_qr(damaged).kind == "garbled"


@pytest.mark.parametrize("other", ["hello", "", "https://weixin.qq.com/r/abc", "MRX:1", "TK1:441621:20261126:A012:t1"])
def test_other_codes_are_unknown(other):
    out = parse_appointment_qr(other)
    assert (out.kind, out.office, out.token) == ("unknown", "", "")


def test_a_code_seen_before_is_a_replay():
    out = parse_appointment_qr(GOOD, seen=frozenset({TOKEN}))
    assert (out.kind, out.office, out.token) == ("replayed", "441621", TOKEN)
    assert parse_appointment_qr(GOOD, seen={"ZZZZZZZZZZZZZZZZ"}).kind == "appointment"
