"""Builders for rules tests: valid GB 11643 numbers and parties."""

from datetime import date

from kiosk.config import load_offices, load_policies, load_policy, load_rest_days
from kiosk.domain.idnumber import check_character
from kiosk.domain.party import Party

OFFICES = load_offices()
CITYWIDE = load_policy("heyuan-citywide-2021")
NATIONAL = load_policy("national-2025")
HUKOU_2003 = load_policy("hukou-office-2003")
POLICIES = load_policies()
REST_DAYS = load_rest_days()
TODAY = date(2026, 11, 26)  # a Thursday under the 2025 regulation
CITYWIDE_DAY = date(2024, 11, 26)  # a Tuesday under the 2021 city-wide plan

ADDRESS = {
    "441602": "广东省河源市源城区文明路1号",
    "441621": "广东省紫金县紫城镇永安路2号",
    "441622": "广东省河源市龙川县老隆镇新城路3号",
    "441623": "河源市连平县元善镇4号",
    "441624": "广东省河源市和平县阳明镇5号",
    "441625": "广东省东源县仙塘镇6号",
    "outside": "广东省广州市天河区体育西路7号",
    "hunan": "湖南省长沙市岳麓区8号",
}


def id_number(division: str, birth: date, sex: str, seq: int = 12) -> str:
    seq3 = seq * 10 + (1 if sex == "male" else 2)
    first17 = f"{division}{birth:%Y%m%d}{seq3:03d}"
    return first17 + check_character(first17)


def resident(
    county: str = "441621",
    sex: str = "male",
    birth: date = date(1990, 5, 1),
    division: str | None = None,
    address: str | None = None,
    valid_until="long_term",
    military: bool = False,
) -> Party:
    division = division or (county if county.isdigit() else "430104")
    return Party(
        "resident_id",
        id_number(division, birth, sex),
        "张三",
        sex,
        birth,
        ADDRESS[county] if address is None else address,
        valid_until,
        military,
    )


def hmt(sex: str = "female", birth: date = date(1992, 3, 3)) -> Party:
    return Party("hmt_residence_permit", id_number("810000", birth, sex), "陈美玲", sex, birth, "", date(2030, 1, 1))


def foreigner(
    sex: str = "female", birth: date = date(1991, 7, 7), nationality: str = "USA", number: str = "E12345678"
) -> Party:
    return Party("passport", number, "JANE DOE", sex, birth, "", date(2031, 1, 1), nationality=nationality)
