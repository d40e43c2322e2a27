"""Screen texts from the gettext catalogs in assets/locale/<lang>/LC_MESSAGES/kiosk.po (zh first, en second).

msgids are stable keys (`attract_start`), so a missing translation shows up as the key, never as the other
language by accident. The .po files are read directly (no compile step): they are small and loaded once.
English shows Chinese names in pinyin beside the (masked) characters.
"""

from __future__ import annotations

import ast
import sys
from functools import lru_cache
from pathlib import Path

import heyuan_assets as assets

LOCALE_DIR = assets.path("locale")
LANGUAGES = ("zh", "en")
DOMAIN = "kiosk"


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def parse_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of one .po file (single and multi-line strings; the header entry is dropped)."""
    entries: dict[str, str] = {}
    msgid: str | None = None
    msgstr: str | None = None
    target = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("msgid "):
            if msgid and msgstr is not None:
                entries[msgid] = msgstr
            msgid, msgstr, target = _unquote(line[6:]), None, "id"
        elif line.startswith("msgstr "):
            msgstr, target = _unquote(line[7:]), "str"
        elif line.startswith('"'):
            if target == "id":
                msgid = (msgid or "") + _unquote(line)  # set by the msgid line that set the target
            elif target == "str":
                msgstr = (msgstr or "") + _unquote(line)
    if msgid and msgstr is not None:
        entries[msgid] = msgstr
    return entries


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    return parse_po(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


def tr(key: str, lang: str = "zh", default: str | None = None, **values) -> str:
    """The text of `key` in `lang` (zh for an unknown language); without an entry, `default` or else the key."""
    text = catalog(lang if lang in LANGUAGES else "zh").get(key, key if default is None else default)
    return text.format(**values) if values else text


def pick(texts: dict | None, lang: str) -> str:
    """A {zh, en} text (domain messages, office names) in the screen language."""
    if not texts:
        return ""
    if not isinstance(texts, dict):
        texts = {"zh": getattr(texts, "zh", ""), "en": getattr(texts, "en", "")}
    return texts.get(lang) or texts.get("zh", "")


def _pypinyin_for_single_characters() -> None:
    """Character by character, pypinyin's phrase dictionary never applies (a phrase is two characters or more):
    without it pypinyin loads in a third of the time (no 400,000-phrase table, no segmenter training), which a
    start-up pays on the UI's warm-up. Its tables are only read, so they need no private copy either."""
    import os

    if "pypinyin" not in sys.modules:
        os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
        os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")


def pinyin_of(masked_name: str) -> str:
    """Pinyin of a masked name's visible characters, masks kept ('张*丰' → 'Zhang * Feng')."""
    _pypinyin_for_single_characters()
    from pypinyin import Style, lazy_pinyin

    parts = []
    for ch in masked_name:
        if ch == "*":
            parts.append("*")
        elif "\u3400" <= ch <= "\u9fff":
            parts.append(lazy_pinyin(ch, style=Style.NORMAL)[0].capitalize())
        elif ch.strip():
            parts.append(ch)
    return " ".join(parts)
