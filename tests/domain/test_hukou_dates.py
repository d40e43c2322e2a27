from datetime import date

import pytest

from kiosk.domain.dates import CoolingOff, age_on, card_valid_on
from kiosk.domain.hukou import hukou_of


@pytest.mark.parametrize(
    "address,county",
    [
        ("广东省河源市紫金县紫城镇永安路", "441621"),
        ("广东省紫金县紫城镇", "441621"),
        ("河源市源城区文明路", "441602"),
        ("广东省河源市东源县仙塘镇", "441625"),
        ("广东省 河源市 和平县 阳明镇", "441624"),
        ("连平县元善镇", "441623"),
        ("龙川县老隆镇", "441622"),
    ],
)
def test_heyuan_addresses_name_their_county(address, county):
    h = hukou_of(address, "110101")
    assert (h.county, h.in_city, h.confirmed) == (county, True, True)


@pytest.mark.parametrize(
    "address", ["广东省广州市越秀区和平路", "深圳市南山区", "湖南省长沙市", "广西壮族自治区南宁市"]
)
def test_addresses_outside_the_city_are_confirmed_non_local(address):
    h = hukou_of(address, "441621")
    assert (h.in_city, h.confirmed) == (False, True)


@pytest.mark.parametrize("address", ["", "河源市江东新区", "某某街道"])
def test_unclear_address_falls_back_to_the_number_flagged(address):
    h = hukou_of(address, "441622")
    assert (h.county, h.in_city, h.confirmed, h.source) == ("441622", True, False, "id_number")


def test_age_on_birthday_and_leap_day():
    assert age_on(date(2000, 5, 1), date(2022, 5, 1)) == 22
    assert age_on(date(2000, 5, 1), date(2022, 4, 30)) == 21
    assert age_on(date(2000, 2, 29), date(2022, 2, 28)) == 21
    assert age_on(date(2000, 2, 29), date(2022, 3, 1)) == 22
    assert age_on(date(2000, 2, 29), date(2024, 2, 29)) == 24


def test_card_validity():
    assert card_valid_on("long_term", date(2099, 1, 1))
    assert card_valid_on(date(2026, 11, 26), date(2026, 11, 26))
    assert not card_valid_on(date(2026, 11, 25), date(2026, 11, 26))


def test_cooling_off_stages():
    c = CoolingOff(date(2026, 1, 31))
    assert c.cooling_off_ends == date(2026, 3, 2) and c.window_opens == date(2026, 3, 3)
    assert [
        c.stage_on(d)
        for d in (date(2026, 1, 30), date(2026, 3, 2), date(2026, 3, 3), date(2026, 4, 1), date(2026, 4, 2))
    ] == ["before", "cooling_off", "window", "window", "expired"]


@pytest.mark.parametrize(
    "birth,day,age",
    [
        (date(2004, 2, 10), date(2026, 2, 10), 22),
        (date(2004, 2, 10), date(2026, 2, 9), 21),
        (date(2000, 1, 29), date(2024, 1, 29), 24),
        (date(2000, 3, 29), date(2023, 3, 29), 23),
        (date(2004, 2, 29), date(2026, 2, 28), 21),
        (date(2004, 2, 29), date(2026, 3, 1), 22),
        (date(2004, 2, 29), date(2028, 2, 29), 24),
        (date(2004, 2, 29), date(2028, 2, 28), 23),
    ],
)
def test_only_a_29_february_birthday_moves_in_common_years(birth, day, age):
    assert age_on(birth, day) == age


def test_an_id_number_with_spaces_inside_is_read():
    from kiosk.domain.idnumber import parse_id_number

    assert parse_id_number("1101 0519 4912 3100 2x").number == "11010519491231002X"


def test_an_address_naming_heyuan_but_no_county_and_one_naming_nothing_are_unclear():
    from kiosk.domain.hukou import hukou_from_address

    assert hukou_from_address("河源市江东新区临江镇") is None
    assert hukou_from_address("广东省河源市高新区") is None
    assert hukou_from_address("某某街道") is None
    assert hukou_from_address(" 广东省 紫金县 ").county == "441621"
