"""Line breaking for Chinese text (避头尾): no line starts with a closing mark such as ，。、：；！？）」』 and
none ends with an opening one such as （「『. Pure: the caller passes how wide a piece of text is.

Chinese may break between any two characters; Latin words (and their trailing spaces) stay whole; markup tags
(`[b]`, `[color=…]`) have no width and stay with the text they mark. Where the greedy break would strand a mark,
the break moves back one unit at a time (the previous character goes down with it); a line that cannot be
fixed that way (a single unit) keeps the greedy break.
"""

from __future__ import annotations

import re
from typing import Callable

NO_START = frozenset("，。、：；！？）」』】》〉”’…,.:;!?)")
NO_END = frozenset("（「『【《〈“‘(")
_TOKEN = re.compile(r"\[/?[a-z]+(?:=[^\]]*)?\]|[ \t]+|[A-Za-z0-9_\-+/@#*.'’,:;!?%&()]+[ \t]*|.", re.S)
_TAG = re.compile(r"\[/?[a-z]+(?:=[^\]]*)?\]")


def has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def plain(text: str) -> str:
    return _TAG.sub("", text)


def units(paragraph: str) -> list[str]:
    """The pieces a line may break between: one CJK character, one Latin word with its trailing spaces;
    opening tags join the next piece, closing tags the previous one."""
    out: list[str] = []
    pending = ""
    for m in _TOKEN.finditer(paragraph):
        tok = m.group(0)
        if _TAG.fullmatch(tok):
            if tok.startswith("[/") and out:
                out[-1] += tok
            else:
                pending += tok
            continue
        if tok.isspace() and out:
            out[-1] += tok
            continue
        out.append(pending + tok)
        pending = ""
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(pending)
    return out


def _first(unit: str) -> str:
    p = plain(unit)
    return p[:1]


def _last(unit: str) -> str:
    p = plain(unit).rstrip()
    return p[-1:]


def _bad_break(left: str, right: str) -> bool:
    return _first(right) in NO_START or _last(left) in NO_END


def break_paragraph(paragraph: str, width_of: Callable[[str], float], max_width: float) -> list[str]:
    pieces = units(paragraph)
    full = [width_of(plain(p)) for p in pieces]  # with trailing spaces
    bare = [width_of(plain(p).rstrip()) for p in pieces]  # as the last piece of a line
    lines: list[str] = []
    i = 0

    def fits(a: int, b: int) -> bool:
        return width_of(plain("".join(pieces[a:b])).rstrip()) <= max_width

    while i < len(pieces):
        j, used = i + 1, full[i]
        while j < len(pieces) and used + bare[j] <= max_width:  # by the pieces' widths, then measured
            used += full[j]
            j += 1
        while j > i + 1 and not fits(i, j):
            j -= 1
        if j < len(pieces):
            k = j
            while k > i + 1 and _bad_break(pieces[k - 1], pieces[k]):
                k -= 1
            if not _bad_break(pieces[k - 1], pieces[k]):
                j = k
        lines.append("".join(pieces[i:j]).rstrip(" \t"))
        i = j
    return lines or [""]


def break_lines(text: str, width_of: Callable[[str], float], max_width: float) -> list[str]:
    """`text` cut into lines no wider than `max_width` (where a unit alone is wider, it has its own line)."""
    return [line for paragraph in text.split("\n") for line in break_paragraph(paragraph, width_of, max_width)]
