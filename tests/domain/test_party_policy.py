"""Parties as the rules see them (from a card, from `kiosk-diag check` input) and policy files as data."""

from datetime import date

import pytest
from pydantic import ValidationError

from kiosk.domain.business import business_name, check_business_keys
from kiosk.domain.idnumber import check_character
from kiosk.domain.hukou import hukou_from_id_number, hukou_of
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.party import Party, party_from_card, party_from_dict
from kiosk.domain.policy import BusinessRule, Policy

from .cases import CITYWIDE, NATIONAL, id_number

ZIJIN_MAN = id_number("441621", date(1990, 5, 1), "male")
HK_WOMAN = id_number("810000", date(1992, 3, 3), "female")


# --- party from a card read ---------------------------------------------------------------------------------------


def card(**fields: str) -> IdCardRecord:
    """A card record with only the given fields (the others empty, as a card that does not print them)."""
    return IdCardRecord(**{"card_type": "resident_id", "name": "", "sex": "", "birth": "", "id_number": "", **fields})


def test_party_from_a_card_record():
    p = party_from_card(
        card(
            id_number=ZIJIN_MAN,
            name="张三",
            sex="male",
            birth="1990-05-01",
            address="广东省紫金县紫城镇",
            valid_until="2030-01-02",
        ),
        military=True,
    )
    assert (p.document, p.id_number, p.name, p.sex, p.birth, p.address, p.valid_until, p.military) == (
        "resident_id",
        ZIJIN_MAN,
        "张三",
        "male",
        date(1990, 5, 1),
        "广东省紫金县紫城镇",
        date(2030, 1, 2),
        True,
    )
    assert p.mainland and p.hukou().county == "441621"


def test_the_address_written_on_the_chip_after_a_move_is_the_hukou():
    moved = card(id_number=ZIJIN_MAN, address="北京市东城区东华门街道", appended_address="广东省河源市龙川县老隆镇")
    p = party_from_card(moved)
    assert p.address == "广东省河源市龙川县老隆镇" and p.hukou().county == "441622" and p.hukou().confirmed
    assert party_from_card(card(id_number=ZIJIN_MAN, address="北京市东城区东华门街道")).hukou().county is None


def test_party_from_a_card_with_long_term_validity_and_missing_fields():
    p = party_from_card(card(card_type="hmt_residence_permit", id_number=HK_WOMAN, valid_until="long_term"))
    assert (p.document, p.valid_until, p.birth, p.name, p.address, p.nationality, p.military) == (
        "hmt_residence_permit",
        "long_term",
        None,
        "",
        "",
        "",
        False,
    )
    assert p.status == "hmt" and p.hukou() is None and p.effective_birth() == date(1992, 3, 3)


def test_party_from_a_card_with_only_a_number():
    p = party_from_card(card(id_number=ZIJIN_MAN))
    assert (p.document, p.id_number, p.name, p.sex, p.birth, p.address, p.valid_until, p.nationality) == (
        "resident_id",
        ZIJIN_MAN,
        "",
        None,
        None,
        "",
        None,
        "",
    )
    assert party_from_card(card()).id_number == ""


def test_party_from_a_foreign_permanent_resident_card_keeps_nationality_and_birth():
    p = party_from_card(
        card(
            card_type="foreign_permanent_resident",
            id_number="USA123456789012",
            nationality="USA",
            birth="1980-01-02",
            sex="female",
            name="JANE",
            valid_until="long_term",
        )
    )
    assert (p.document, p.nationality, p.birth, p.sex, p.name, p.valid_until, p.status) == (
        "foreign_permanent_resident",
        "USA",
        date(1980, 1, 2),
        "female",
        "JANE",
        "long_term",
        "foreigner",
    )
    assert party_from_card(card(birth="1980-01-02")).birth == date(1980, 1, 2)


def test_party_from_a_resident_card_with_empty_validity_and_sex_is_unknown():
    p = party_from_card(card(id_number=ZIJIN_MAN, valid_until=""))
    assert (p.document, p.valid_until, p.sex, p.birth) == ("resident_id", None, None, None)
    assert (p.effective_sex(), p.effective_birth()) == ("male", date(1990, 5, 1))


# --- party from `kiosk-diag check` input ----------------------------------------------------------------------------


def test_party_from_dict_reads_every_field():
    p = party_from_dict(
        {
            "document": "passport",
            "id_number": "E1",
            "name": "JANE",
            "sex": "female",
            "birth": "1991-07-07",
            "address": "x",
            "valid_until": "2031-01-01",
            "military": False,
            "nationality": "CHN",
        }
    )
    assert (p.document, p.id_number, p.name, p.sex, p.birth, p.valid_until, p.nationality) == (
        "passport",
        "E1",
        "JANE",
        "female",
        date(1991, 7, 7),
        date(2031, 1, 1),
        "CHN",
    )
    assert p.status == "overseas_chinese" and not p.mainland


def test_party_from_dict_defaults_and_card_type_alias():
    p = party_from_dict({"card_type": "foreign_permanent_resident", "nation": "汉"})
    assert (p.document, p.id_number, p.name, p.sex, p.birth, p.address, p.valid_until, p.military, p.nationality) == (
        "foreign_permanent_resident",
        "",
        "",
        None,
        None,
        "",
        None,
        False,
        "",
    )
    p = party_from_dict({"id_number": None, "name": None, "address": "", "nationality": None})
    assert (p.id_number, p.name, p.address, p.nationality) == ("", "", "", "")
    assert party_from_dict({}).document == "resident_id"
    assert party_from_dict({"valid_until": "long_term"}).valid_until == "long_term"


@pytest.mark.parametrize(
    "data,message",
    [
        ([], "each party must be an object"),
        ({"colour": 1}, "unknown party field(s) ['colour']"),
        ({"document": "driving_licence"}, "document 'driving_licence' is not one of"),
        ({"sex": "m"}, "sex 'm' is not one of ['male', 'female']"),
        ({"valid_until": "2030-02-30"}, "valid_until '2030-02-30' is not a real date"),
        ({"birth": "19900501"}, "birth '19900501' is not a real date"),
        ({"birth": 1990}, "birth '1990' is not a real date"),
        ({"military": "yes"}, "military must be true or false"),
    ],
)
def test_bad_party_input_names_the_field(data, message):
    with pytest.raises(ValueError) as e:
        party_from_dict(data)
    assert str(e.value).startswith(message)


@pytest.mark.parametrize(
    "data,message", [([], "each party must be an object"), ({"military": 1}, "military must be true or false")]
)
def test_bad_party_input_messages_in_full(data, message):
    with pytest.raises(ValueError) as e:
        party_from_dict(data)
    assert str(e.value) == message


# --- documents and numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "party,problem",
    [
        (Party("passport", ""), "document number missing"),
        (Party("passport", " E1 "), None),
        (Party("hmt_travel_permit", ""), "document number missing"),
        (Party("hmt_travel_permit", "H1"), None),
        (Party("foreign_permanent_resident", "USA123456789012"), None),
        (Party("foreign_permanent_resident", "usa123456789012"), None),
        (Party("foreign_permanent_resident", "US1234567890123"), "not a foreign permanent resident card number"),
        (Party("hmt_residence_permit", HK_WOMAN), None),
        (Party("hmt_residence_permit", ZIJIN_MAN), "a residence permit number starts with 810000, 820000 or 830000"),
        (Party("resident_id", HK_WOMAN), "this is a residence permit number, not a resident ID number"),
        (Party("resident_id", ZIJIN_MAN), None),
        (Party("resident_id", ZIJIN_MAN[:17]), "must be 18 characters, has 17"),
    ],
)
def test_id_problem_per_document(party, problem):
    assert party.id_problem() == problem


def test_foreign_permanent_resident_2023_card_reads_like_a_resident_number():
    fpr = "944162" + "19850101" + "122"  # 18 characters starting with 9, GB 11643 check character
    fpr += check_character(fpr)
    p = Party("foreign_permanent_resident", fpr)
    assert p.parsed_id() is not None and p.id_problem() is None and p.effective_sex() == "female"
    assert Party("foreign_permanent_resident", "USA123456789012").parsed_id() is None
    assert Party("passport", ZIJIN_MAN).parsed_id() is None


def test_card_disagreements_are_named():
    assert Party("resident_id", ZIJIN_MAN, birth=date(1990, 5, 2)).disagreement() == "birth_mismatch"
    assert Party("resident_id", ZIJIN_MAN, sex="female").disagreement() == "sex_mismatch"
    assert Party("resident_id", ZIJIN_MAN, sex="male", birth=date(1990, 5, 1)).disagreement() is None
    assert Party("resident_id", ZIJIN_MAN[:17] + "0" * (ZIJIN_MAN[17] != "0")).disagreement() is None
    assert Party("passport", "E1", sex="female").disagreement() is None


def test_card_sex_and_birth_win_over_the_number_when_given():
    p = Party("resident_id", ZIJIN_MAN, sex="female", birth=date(2000, 1, 1))
    assert (p.effective_sex(), p.effective_birth()) == ("female", date(2000, 1, 1))
    assert (Party("passport", "E1").effective_sex(), Party("passport", "E1").effective_birth()) == (None, None)


@pytest.mark.parametrize(
    "document,nationality,status",
    [
        ("resident_id", "", "mainland"),
        ("hmt_residence_permit", "", "hmt"),
        ("hmt_travel_permit", "", "hmt"),
        ("passport", "chn", "overseas_chinese"),
        ("passport", "USA", "foreigner"),
        ("foreign_permanent_resident", "CHN", "foreigner"),
    ],
)
def test_status(document, nationality, status):
    assert Party(document, "X", nationality=nationality).status == status


# --- hukou ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "division,county,in_city",
    [
        ("441621", "441621", True),
        ("441600", None, True),
        ("441601", None, True),
        ("441700", None, False),
        ("430104", None, False),
    ],
)
def test_hukou_from_the_number_only(division, county, in_city):
    h = hukou_from_id_number(division)
    assert (h.county, h.in_city, h.source, h.confirmed) == (county, in_city, "id_number", False)


def test_no_address_and_no_number_tells_nothing():
    h = hukou_of("", None)
    assert (h.county, h.in_city, h.source, h.confirmed) == (None, None, "none", False)
    assert hukou_of("   ", "441622").county == "441622"


@pytest.mark.parametrize("address", ["河源市江东新区", "广东省河源市高新区"])
def test_a_heyuan_address_without_county_falls_back_to_the_number(address):
    assert hukou_of(address, "441625").source == "id_number"


def test_a_party_without_a_valid_number_has_only_the_address():
    h = Party("resident_id", "123", address="").hukou()
    assert (h.county, h.in_city, h.source) == (None, None, "none")


# --- policies and businesses as data -------------------------------------------------------------------------------


def test_business_names_and_keys():
    assert business_name("reissue_certificate", "zh") == "补领婚姻登记证"
    with pytest.raises(ValueError, match=r"unknown business \['wedding'\]"):
        check_business_keys(["wedding"], "rule")
    with pytest.raises(ValueError, match=r"missing ticket range for \['archive_query'"):
        check_business_keys(
            ["marriage", "divorce_application", "divorce_certificate", "reissue_certificate"], "ticket range"
        )


def _rule(**kw):
    return BusinessRule.model_validate(
        {"where": "all_offices", "parties": [2, 2], "bring": {"zh": ["a"], "en": ["a"]}} | kw
    )


@pytest.mark.parametrize("parties", [[0, 2], [2, 1], [1, 3], [3, 3]])
def test_party_span_must_be_one_or_two(parties):
    with pytest.raises(ValidationError, match="fewest"):
        _rule(parties=parties)


def test_party_span_bounds():
    assert (_rule(parties=[1, 2]).min_parties, _rule(parties=[1, 2]).max_parties) == (1, 2)
    assert _rule(parties=[1, 1]).max_parties == 1


def test_designated_rule_needs_offices_and_document_lists_match():
    with pytest.raises(ValidationError, match="non-empty 'offices'"):
        _rule(where="designated")
    assert _rule(where="designated", offices=["441602"]).offices == ["441602"]
    with pytest.raises(ValidationError, match="same number of items"):
        _rule(bring={"zh": ["a", "b"], "en": ["a"]})


def test_local_prefix_of_a_city_and_of_a_county():
    assert CITYWIDE.local_prefix == "4416"
    assert CITYWIDE.model_copy(update={"local_area": "441621"}).local_prefix == "441621"
    assert CITYWIDE.model_copy(update={"local_area": "440000"}).local_prefix == "4400"


def test_policy_span_text_and_validation():
    assert CITYWIDE.span == "from 2021-06-21 to 2025-05-09"
    assert NATIONAL.span == "from 2025-05-10 (open-ended)"
    data = CITYWIDE.model_dump()
    data["effective_until"] = date(2021, 6, 21)
    assert Policy.model_validate(data).in_force_on(date(2021, 6, 21))
    data["effective_until"] = date(2021, 6, 20)
    with pytest.raises(ValidationError, match="before effective_from"):
        Policy.model_validate(data)
    data["effective_until"] = None
    data["business"]["wedding"] = data["business"]["marriage"]
    with pytest.raises(ValidationError, match="unknown business"):
        Policy.model_validate(data)
