"""Line breaking for Chinese text (避头尾): no line starts with a closing mark such as ，。、：；！？）」』 and
none ends with an opening one such as （「『. Pure: the caller passes how wide a piece of text is.

Chinese may break between any two characters; Latin words (and their trailing spaces) stay whole; markup tags
(`[b]`, `[color=…]`) have no width and stay with the text they mark. Where the greedy break would strand a mark,
the break moves back one unit at a time (the previous character goes down with it); a line that cannot be
fixed that way (a single unit) keeps the greedy break. Nor does a paragraph end in a stranded character or two
on a line of their own (a lone "明", "核验）"): the last break moves back so the last line holds more.
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
    spans: list[tuple[int, int]] = []
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
        spans.append((i, j))
        i = j
    spans = _no_orphan(pieces, spans, fits)
    return ["".join(pieces[a:b]).rstrip(" \t") for a, b in spans] or [""]


ORPHAN = 2  # a last line of this many characters or fewer (punctuation aside) looks stranded: "明", "核验）"


def _weight(units_: list[str]) -> int:
    return sum(1 for u in units_ if _first(u) not in NO_START and plain(u).strip())


def _no_orphan(pieces: list[str], spans: list[tuple[int, int]], fits) -> list[tuple[int, int]]:
    """A wrapped paragraph does not end in a stranded character or two: units move down from the line above
    (at a break that is allowed) until the last line holds more, when the line above keeps at least as many."""
    if len(spans) < 2:
        return spans
    (a, b), (c, d) = spans[-2], spans[-1]
    if _weight(pieces[c:d]) > ORPHAN:
        return spans
    for k in range(b - 1, a, -1):
        moved_down = _weight(pieces[k:d])
        if moved_down <= ORPHAN:
            continue
        if _weight(pieces[a:k]) < moved_down or not fits(k, d):
            break
        if not _bad_break(pieces[k - 1], pieces[k]):
            return spans[:-2] + [(a, k), (k, d)]
    return spans


def break_lines(text: str, width_of: Callable[[str], float], max_width: float) -> list[str]:
    """`text` cut into lines no wider than `max_width` (where a unit alone is wider, it has its own line)."""
    return [line for paragraph in text.split("\n") for line in break_paragraph(paragraph, width_of, max_width)]
