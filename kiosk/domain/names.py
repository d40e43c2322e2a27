"""Names in pinyin for English screens and tickets (张三丰 → Zhang Sanfeng), as on Chinese passports but in
title case. Surnames are read with their surname readings (曾 Zeng, 单 Shan, 区 Ou …), which differ from the
characters' everyday readings."""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "令狐",
                     "宇文", "澹台", "轩辕", "万俟", "司徒", "端木", "西门", "南宫")
SURNAME_READINGS = {"曾": "zeng", "单": "shan", "仇": "qiu", "区": "ou", "解": "xie", "朴": "piao", "查": "zha",
                    "盖": "ge", "乐": "yue", "覃": "qin", "缪": "miao", "翟": "zhai", "种": "chong", "召": "shao",
                    "华": "hua", "任": "ren", "纪": "ji", "员": "yun", "朝": "chao", "尉迟": "yuchi", "万俟": "moqi",
                    "长孙": "zhangsun", "重": "chong", "秘": "bi", "繁": "po", "黑": "he", "谌": "chen", "葛": "ge"}


def _syllables(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars)))


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name."""
    name = name.strip()
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s) and len(name) > len(s)), name[:1])
    return surname, name[len(surname):]


def pinyin_name(name: str) -> str:
    """'Zhang Sanfeng'. Names already in Latin letters (foreign permanent residents) are returned as they are."""
    name = name.strip()
    if not name or all(c.isascii() for c in name):
        return name
    surname, given = split_name(name)
    sur = SURNAME_READINGS.get(surname) or _syllables(surname)
    parts = [sur.capitalize()] + ([_syllables(given).capitalize()] if given else [])
    return " ".join(parts)
