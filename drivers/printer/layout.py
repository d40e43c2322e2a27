"""Ticket content → printed lines for a paper width. Pure: no fonts, no bytes.

Columns are font A's: 48 on 80 mm paper, 32 on 58 mm; anything beyond ASCII takes two columns (the printer
prints it double-byte). Long office names, notes and document names wrap by display width.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.ticket import OFFLINE_NOTE, Ticket

PAPER = {80: (48, 576), 58: (32, 384)}  # mm → (columns, dots)
BIG = {80: 6, 58: 4}  # queue number size multiplier
QR_MODULE = {80: 6, 58: 5}
_NO_LINE_START = set("，。、；：！？）】》”’·…,.;:!?)")


@dataclass(frozen=True)
class Line:
    text: str
    align: str = "left"
    size: int = 1
    bold: bool = False


@dataclass(frozen=True)
class Qr:
    data: str
    module: int


@dataclass(frozen=True)
class Feed:
    lines: int


def columns(paper_mm: int) -> int:
    return PAPER[paper_mm][0]


def paper_dots(paper_mm: int) -> int:
    return PAPER[paper_mm][1]


def display_width(text: str) -> int:
    return sum(1 if ord(c) < 0x80 else 2 for c in text)


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Greedy wrap by display width: Latin breaks at spaces (hard-breaks over-long words), CJK anywhere,
    closing punctuation never starts a line. Leading spaces are kept; continuation lines start with `indent`."""
    lead = text[: len(text) - len(text.lstrip())]
    width = max(width, display_width(indent) + 2, display_width(lead) + 2)
    lines: list[str] = []
    current = lead
    for token in _tokens(text.strip()):
        if token.isspace():
            if current.strip():
                current += " "
            continue
        if display_width(current + token) <= width:
            current += token
            continue
        body = current.rstrip()
        if token[0] in _NO_LINE_START and len(body) > len(indent) + 1 and ord(body[-1]) >= 0x80:
            token, current = body[-1] + token, body[:-1]  # carry the last character down with it
        if current.strip():
            lines.append(current.rstrip())
            current = indent + token
        else:
            current += token
        while display_width(current) > width:  # a word longer than the line
            cut = _fit(current, width)
            lines.append(current[:cut])
            current = indent + current[cut:]
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    out, word = [], ""
    for c in text:
        if ord(c) < 0x80 and not c.isspace():
            word += c
            continue
        if word:
            out.append(word)
            word = ""
        out.append(c)
    if word:
        out.append(word)
    return out


def _fit(text: str, width: int) -> int:
    used = 0
    for i, c in enumerate(text):
        used += 1 if ord(c) < 0x80 else 2
        if used > width:
            return max(i, 1)
    return len(text)


def ticket_lines(t: Ticket, paper_mm: int = 80) -> list[Line | Qr | Feed]:
    cols = columns(paper_mm)
    rule = Line("-" * cols)
    out: list[Line | Qr | Feed] = []

    def para(text: str, align: str = "left", size: int = 1, bold: bool = False, indent: str = "") -> None:
        out.extend(Line(s, align, size, bold) for s in wrap(text, cols // size, indent))

    para(t.office_zh, "center", bold=True)
    para(t.office_en, "center")
    out.append(rule)
    para(t.business_zh, "center", size=2, bold=True)
    para(t.business_en, "center")
    out.append(Feed(1))
    big = BIG[paper_mm]
    while big > 1 and display_width(t.number_text) * big > cols:
        big -= 1
    out.append(Line(t.number_text, "center", big, True))
    if t.test:
        para("*** 测试票 TEST ***", "center", size=2, bold=True)
    if t.priority:
        para("★ 预约优先 Appointment: served first", "center", bold=True)
    if t.offline:
        para(OFFLINE_NOTE["zh"], "center", bold=True)
        para(OFFLINE_NOTE["en"], "center")
    out.append(Feed(1))
    if t.waiting_ahead is not None:
        para(f"前面等候 Waiting ahead: {t.waiting_ahead}")
    para(f"取号时间 Issued {t.issued_at:%Y-%m-%d %H:%M}")  # 32 columns: one line on 58 mm
    if t.parties:
        out.append(rule)
        para("当事人 Parties", bold=True)
        for p in t.parties:
            para(f"{p.name}  {p.id_tail}", indent="  ")
    if t.bring_zh or t.bring_en:
        out.append(rule)
        para("请准备 Please have ready:", bold=True)
        for i in range(max(len(t.bring_zh), len(t.bring_en))):
            if i < len(t.bring_zh):
                para(f"{i + 1}. {t.bring_zh[i]}", indent="   ")
            if i < len(t.bring_en):
                para(f"   {t.bring_en[i]}", indent="   ")
    if t.note_zh or t.note_en:
        out.append(rule)
        if t.note_zh:
            para(t.note_zh)
        if t.note_en:
            para(t.note_en)
    out.append(rule)
    out.append(Qr(t.qr_payload, QR_MODULE[paper_mm]))
    para(f"{t.number_text}  {t.ticket_id}", "center")
    para("请留意叫号 Please wait for your number", "center")
    return out
