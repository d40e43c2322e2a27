from datetime import date

from hypothesis import given, strategies as st

from kiosk.domain.idnumber import InvalidIdNumber, check_character, is_valid_id_number, parse_id_number
from kiosk.domain.masking import mask_id_for_screen, mask_id_for_ticket, mask_name

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
    changed = number[:pos] + char + number[pos + 1:]
    if changed != number:
        assert not is_valid_id_number(changed)


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
