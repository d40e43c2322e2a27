import pytest

from kiosk.domain.names import pinyin_name, split_name


@pytest.mark.parametrize("name,expected", [
    ("张三丰", "Zhang Sanfeng"), ("曾小贤", "Zeng Xiaoxian"), ("欧阳娜娜", "Ouyang Nana"), ("单田芳", "Shan Tianfang"),
    ("区家明", "Ou Jiaming"), ("李", "Li"), ("JOHN SMITH", "JOHN SMITH"), ("", ""),
])
def test_pinyin_names(name, expected):
    assert pinyin_name(name) == expected


def test_compound_surname_split():
    assert split_name("司马光") == ("司马", "光")
    assert split_name("欧阳") == ("欧", "阳")   # a two-character name is surname + given name
