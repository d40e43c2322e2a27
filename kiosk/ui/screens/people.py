"""How a party read from a card appears on screen: masked name (pinyin too in English) and masked number."""

from __future__ import annotations

from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.masking import mask_id_for_screen, mask_name
from kiosk.ui import fonts
from kiosk.i18n import pinyin_of, tr


def person_line(card: IdCardRecord, n: int, lang: str) -> str:
    name = mask_name(card.name)
    shown = fonts.markup(name)
    if lang == "en" and name:
        shown += f" ({pinyin_of(name)})"
    return f"{tr('party_label', lang, n=n)}:  {shown}   {mask_id_for_screen(card.id_number)}"


def people_lines(cards: tuple[IdCardRecord, ...], lang: str) -> str:
    return "\n".join(person_line(c, i + 1, lang) for i, c in enumerate(cards))


def short_name(card: IdCardRecord | None, n: int, lang: str) -> str:
    """The masked name (markup for rare characters), or 'party n' when there is none."""
    name = mask_name(card.name) if card is not None else ""
    return fonts.markup(name) if name else tr("party_label", lang, n=n)
