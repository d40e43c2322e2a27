"""The check-in rules shared by the server and the kiosk's offline mode."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.dates import CHINA
from kiosk.domain.checkin import checkin_problem

APPT = {
    "date": "2026-11-26",
    "slot": "10:00",
    "status": "booked",
    "parties": [{"id_number": "44162119900101123X"}, {"id_number": "441621199201011248"}],
}
SLOT = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)


def problem(ids, when=SLOT, already=False, appt=APPT):
    return checkin_problem(appt, ids, when, 30, 60, already)


@given(st.permutations(["44162119900101123x", " 441621199201011248 "]))
def test_the_booked_parties_in_any_order_and_case_pass(ids):
    assert problem(ids) is None


@given(st.lists(st.sampled_from(["44162119900101123X", "441621199201011248", "441622199001011232"]), max_size=3))
def test_anyone_else_or_missing_is_a_mismatch(ids):
    if sorted(ids) != sorted(["44162119900101123X", "441621199201011248"]):
        assert problem(ids) == "parties_mismatch"


@given(st.integers(min_value=-24 * 60, max_value=24 * 60))
def test_the_arrival_window(minutes):
    when = SLOT + timedelta(minutes=minutes)
    expected = (
        "not_today"
        if when.date() != SLOT.date()
        else "too_early"
        if minutes < -30
        else "too_late"
        if minutes > 60
        else None
    )
    assert problem(["44162119900101123X", "441621199201011248"], when) == expected


def test_order_of_the_rules():
    ids = ["44162119900101123X", "441621199201011248"]
    assert problem(ids, already=True) == "already_checked_in"
    assert problem(ids, appt={**APPT, "status": "cancelled"}, already=True) == "appointment_cancelled"


def _hashed(salt, **cost):
    from kiosk.domain.checkin import MATCH_COST, id_match

    cost = cost or MATCH_COST
    return {
        **APPT,
        "match": {"salt": salt.hex(), **cost},
        "parties": [
            {"id_match": id_match(salt, p["id_number"], **cost), "military": i == 1}
            for i, p in enumerate(APPT["parties"])
        ],
    }


def test_the_offline_list_form_matches_by_its_hashes_only():
    from kiosk.domain.checkin import booked_party, day_salt, id_match, token_key, token_match

    salt = day_salt(b"s" * 32, "441621", "2026-11-26")
    hashed = _hashed(salt)
    assert checkin_problem(hashed, ["44162119900101123x", " 441621199201011248"], SLOT, 30, 60, False) is None
    assert checkin_problem(hashed, ["44162119900101123X"], SLOT, 30, 60, False) == "parties_mismatch"
    assert booked_party(hashed, "441621199201011248")["military"] is True
    assert booked_party(hashed, "441621199201011249") is None
    other_day = day_salt(b"s" * 32, "441621", "2026-11-27")
    assert id_match(other_day, "441621199201011248") != hashed["parties"][1]["id_match"]
    assert token_key(hashed, " abcd2345efgh6789") == token_match(salt, "ABCD2345EFGH6789")
    assert token_key(APPT, "ABCD2345EFGH6789") == ""  # a booking in clear has no token hash


def test_a_list_asking_for_a_cheap_or_huge_hash_matches_nothing():
    """A cost below the bound would make the list cheap to reverse, one above it would exhaust the kiosk: either
    way nothing matches (the applicant is sent to the counter), and nothing is computed."""
    from kiosk.domain.checkin import booked_party, match_ok

    salt = b"0123456789abcdef"
    for cost in ({"n": 2**10, "r": 8, "p": 1}, {"n": 2**17, "r": 8, "p": 1}, {"n": 3 * 2**12, "r": 8, "p": 1}):
        assert not match_ok(**cost)
        listed = {**_hashed(salt), "match": {"salt": salt.hex(), **cost}}
        assert booked_party(listed, APPT["parties"][0]["id_number"]) is None
    garbled = {**_hashed(salt), "match": {"salt": "zz", "n": "many"}}
    assert booked_party(garbled, APPT["parties"][0]["id_number"]) is None


@given(
    st.sampled_from([" ", "\t", "\u3000", "\u00a0", ""]),
    st.sampled_from(["", "+86", "0086", "+86 ", "86"]),
    st.booleans(),
)
def test_phone_spellings_normalise_to_one(space, prefix, fullwidth):
    from kiosk.domain.checkin import normalise_phone

    digits = "13812345678"
    shown = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if fullwidth else digits
    assert normalise_phone(f"{space}{prefix}{shown[:3]}-{shown[3:7]} {shown[7:]}{space}") == digits


def test_the_arrival_window_includes_its_edges():
    assert problem(["44162119900101123X", "441621199201011248"], SLOT - timedelta(minutes=30)) is None
    assert problem(["44162119900101123X", "441621199201011248"], SLOT + timedelta(minutes=60)) is None
    assert problem([], SLOT - timedelta(minutes=30, seconds=1)) == "too_early"
    assert problem([], SLOT + timedelta(minutes=60, seconds=1)) == "too_late"


def test_a_booking_without_a_status_is_booked():
    appt = {k: v for k, v in APPT.items() if k != "status"}
    assert problem(["44162119900101123X", "441621199201011248"], appt=appt) is None
    assert problem([], appt={**APPT, "status": "cancelled"}) == "appointment_cancelled"


def test_id_numbers_compare_in_the_cards_own_form():
    from kiosk.domain.checkin import normalise_id

    assert normalise_id(" 44162119900101123x\u3000") == "44162119900101123X"
    assert normalise_id("４４１６２１１９９００１０１１２３Ｘ") == "44162119900101123X"  # full-width
    assert normalise_id(None) == "" and normalise_id("") == ""


def test_a_booking_with_no_parties_or_a_party_without_a_number():
    from kiosk.domain.checkin import MATCH_COST, booked_keys, booked_party, day_salt, id_match

    assert booked_keys({"date": "2026-11-26"}) == []
    assert booked_party({"date": "2026-11-26"}, "44162119900101123X") is None
    assert booked_keys({"parties": [{"name": "张三"}]}) == [""]
    salt = day_salt(b"office secret", "441621", "2026-11-26")
    match = {"salt": salt.hex(), **MATCH_COST}
    hashed = {"match": match, "parties": [{"id_match": id_match(salt, "44162119900101123X")}, {}]}
    assert booked_keys(hashed)[1] == "" and booked_keys({"match": match}) == []
    assert booked_party(hashed, "44162119900101123x") == hashed["parties"][0]


def test_phone_numbers_fold_to_eleven_digits():
    from kiosk.domain.checkin import normalise_phone

    for spelling in ("13800138000", "+86 138-0013-8000", "0086 13800138000", "8613800138000", "１３８００１３８０００"):
        assert normalise_phone(spelling) == "13800138000", spelling
    assert normalise_phone(None) == "" and normalise_phone("") == ""
    assert normalise_phone("86138") == "86138"  # not a mobile with a country code: left as typed
    assert normalise_phone("7613800138000") == "7613800138000"  # 13 digits but no 86: not shortened
