"""From records to the advice of every office: the one entry point shared by the CLI and the bureau page."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from kiosk.domain.offices import OfficeConfig
from office.workload.advice import Target, advise
from office.workload.figures import office_figures
from office.workload.records import Record


def advise_all(
    records: list[Record],
    offices: dict[str, OfficeConfig],
    target: Target,
    start: date | None = None,
    end: date | None = None,
    only: set[str] | None = None,
) -> dict:
    """{"offices": [...]} for the offices in the records (those in `only`, when given), between `start` and
    `end` (local dates, inclusive)."""
    by_office: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        day = r.issued.date()
        if (start and day < start) or (end and day > end) or (only is not None and r.office not in only):
            continue
        by_office[r.office].append(r)
    out = []
    for code in sorted(by_office):
        hours = {str(d): spans for d, spans in offices[code].opening_hours.items()} if code in offices else None
        out.append(advise(office_figures(code, by_office[code], hours), target))
    return {"offices": out}
