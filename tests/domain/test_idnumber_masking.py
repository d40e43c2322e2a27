from datetime import date

import pytest
from hypothesis import given, strategies as st

from kiosk.domain.idnumber import InvalidIdNumber, check_character, parse_id_number
from kiosk.domain.masking import mask_address, mask_id_for_screen, mask_id_for_ticket, mask_name, mask_phone

divisions = st.sampled_from(["441602", "441621", "441622", "441623", "441624", "441625", "110101", "430104"])
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def id_numbers(draw):
    first17 = f"{draw(divisions)}{draw(births):%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + check_character(first17)


@given(id_numbers())
def test_generated_numbers_parse_with_their_birth_and_sex(number):
    parsed = parse_id_number(number)
    assert parsed.birth.strftime("%Y%m%d") == number[6:14]
    assert parsed.sex == ("male" if int(number[16]) % 2 else "female")


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_caught(number, pos, char):
    changed = number[:pos] + char + number[pos + 1 :]
    if changed != number:
        with pytest.raises(InvalidIdNumber):
            parse_id_number(changed)


@given(st.text(max_size=30))
def test_parser_raises_only_its_own_error(text):
    try:
        parse_id_number(text)
    except InvalidIdNumber:
        pass


def test_known_number_and_x_check_character():
    assert parse_id_number("11010519491231002X").sex == "female"
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


@given(id_numbers())
def test_masked_number_never_shows_digits_7_to_14(number):
    screen = mask_id_for_screen(number)
    assert screen[:6] == number[:6] and screen[-4:] == number[-4:]
    assert set(screen[6:14]) == {"*"} and len(screen) == 18
    ticket = mask_id_for_ticket(number)
    assert ticket[-4:] == number[-4:] and set(ticket[:14]) == {"*"}


@given(st.text(min_size=3, max_size=20))
def test_screen_mask_of_any_text_hides_its_middle(text):
    masked = mask_id_for_screen(text.strip())
    assert "*" in masked or not text.strip()


def test_name_masks():
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("王") == "*"
    assert mask_name("JOHN SMITH") == "J*** S****"


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=6))
def test_masked_name_keeps_only_first_and_last(name):
    masked = mask_name(name)
    assert len(masked) == len(name) and masked[0] == name[0]
    assert all(c == "*" for c in masked[1:-1])


# --- edges: which applicant a broken rule would hurt ----------------------------------------------------------


def test_a_valid_number_reads_its_division_birth_and_sex():
    n = "441621" + "19900501" + "121"
    n += check_character(n)
    parsed = parse_id_number(n)
    assert (parsed.number, parsed.division, parsed.birth, parsed.sex, parsed.hmt_region) == (
        n,
        "441621",
        date(1990, 5, 1),
        "male",
        None,
    )
    hk = "81000019920303122"
    assert parse_id_number(hk + check_character(hk)).hmt_region == "hong_kong"


@pytest.mark.parametrize("year,valid", [(1879, False), (1880, True), (2026, True)])
def test_birth_years_from_1880(year, valid):
    first17 = f"441621{year}0101121"
    if valid:
        assert parse_id_number(first17 + check_character(first17)).birth.year == year
    else:
        with pytest.raises(InvalidIdNumber) as e:
            parse_id_number(first17 + check_character(first17))
        assert e.value.problem == "birth year in the number is implausible"


@pytest.mark.parametrize(
    "number,problem",
    [
        ("44162119900501121", "must be 18 characters, has 17"),
        ("4416211990050112100", "must be 18 characters, has 19"),
        ("44162119900501A21X", "must be 17 digits followed by a digit or X"),
        ("44162119900501121Y", "must be 17 digits followed by a digit or X"),
        ("441621199005011213", "check character does not match"),
    ],
)
def test_what_is_wrong_with_a_number_is_said(number, problem):
    with pytest.raises(InvalidIdNumber) as e:
        parse_id_number(number)
    assert e.value.problem == problem == str(e.value)


def test_a_number_with_an_impossible_birth_date_is_invalid():
    first17 = "44162119900230121"
    with pytest.raises(InvalidIdNumber) as e:
        parse_id_number(first17 + check_character(first17))
    assert e.value.problem == "birth date in the number is not a real date"


@pytest.mark.parametrize("number,ticket", [("", ""), ("1234", "****"), ("12345", "*2345"), ("ABC", "***")])
def test_a_short_number_is_never_printed_in_clear_on_a_ticket(number, ticket):
    assert mask_id_for_ticket(number) == ticket


@pytest.mark.parametrize(
    "number,screen",
    [("1234567890", "**********"), ("12345678901", "123456*8901"), (" 441621199005011234 ", "441621********1234")],
)
def test_screen_mask_of_short_and_padded_numbers(number, screen):
    assert mask_id_for_screen(number) == screen


def test_address_mask_keeps_at_most_nine_leading_characters_and_never_the_street():
    assert mask_address("广东省河源市紫金县紫城镇永安路2号201房") == "广东省河源市紫金县******"
    assert mask_address("广东省河源市紫金县紫城镇永安路2号") == "广东省河源市紫金******"  # half of 17
    assert mask_address(" 紫金县紫城镇 ") == "紫金县***"
    assert mask_address("") == ""


@pytest.mark.parametrize(
    "phone,masked",
    [
        ("13812345678", "138****5678"),
        ("1234567", "1234567"[:3] + "4567"),
        ("123456", "******"),
        (" 0762-1234567 ", "076*****4567"),
    ],
)
def test_phone_mask(phone, masked):
    assert mask_phone(phone) == masked


def test_name_masks_at_the_edges():
    assert mask_name("  ") == ""
    assert mask_name(" 张三丰 ") == "张*丰"
    assert mask_name("Zhang San") == "Z**** S**"
    assert mask_name("李A") == "李*"  # any Latin letter makes it a Latin name: each word's initial
