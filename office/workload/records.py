"""One ticket's service record, and the records export read from an office's queue system.

The export's columns are exactly COLUMNS (docs/workload.md): times ISO 8601 with an offset, `booked` true/false,
`home_county` a division code or `outside_city`, `outcome` done / no_show / transferred, and empty
called_at/served_at/ended_at for a ticket never called. A row that breaks these rules is reported by its line
number and skipped; it is never counted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Iterator

from kiosk.domain.business import BUSINESSES
from kiosk.domain.dates import CHINA
from kiosk.domain.divisions import HEYUAN_COUNTIES

COLUMNS = (
    "office",
    "business",
    "booked",
    "home_county",
    "issued_at",
    "called_at",
    "served_at",
    "ended_at",
    "window",
    "outcome",
)
OUTCOMES = ("done", "no_show", "transferred")
MAX_SPAN = timedelta(hours=14)  # a ticket is called and ended on the day it was taken
_OFFICE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
_DIVISION = re.compile(r"^\d{6}$")


@dataclass(frozen=True, slots=True)
class Record:
    """A ticket as the workload figures see it; times in China local time, None when it did not happen."""

    office: str
    business: str
    booked: bool
    home_counties: tuple[str, ...]  # one per applicant the ticket names (a county code, outside_city, unknown)
    issued: datetime
    called: datetime | None
    served: datetime | None
    ended: datetime | None
    window: str
    outcome: str  # done | no_show | transferred | "" (not known: a source without outcomes)

    @property
    def day(self) -> str:
        return self.issued.date().isoformat()


class UnusableInput(ValueError):
    """The export cannot be read at all (wrong columns, not text, no rows); the message says why."""


def home_county(value: str) -> str:
    """The export's home_county as the 全城通办 report counts it: a Heyuan county code, or outside_city (any
    division outside Heyuan), or unknown (a Heyuan code that is not one of its counties)."""
    if value == "outside_city":
        return value
    if not _DIVISION.match(value):
        raise ValueError(f"home_county {value!r}: a six-digit division code or outside_city")
    if value in HEYUAN_COUNTIES:
        return value
    return "unknown" if value.startswith("4416") else "outside_city"


def _time(name: str, value: str) -> datetime:
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} {value[:40]!r}: not an ISO 8601 date-time") from None
    if when.tzinfo is None:
        raise ValueError(f"{name} {value[:40]!r}: needs an offset such as +08:00")
    if not 2000 <= when.year <= 2100:
        raise ValueError(f"{name} {value[:40]!r}: year out of range")
    return when.astimezone(CHINA)


def parse_row(row: dict[str, str]) -> Record:
    """One export row as a Record; ValueError says what is wrong with it."""
    office = row["office"].strip()
    if not _OFFICE.match(office):
        raise ValueError(f"office {office[:40]!r}: letters, digits, '-' or '_' (an office code such as 441621)")
    business = row["business"].strip()
    if business not in BUSINESSES:
        raise ValueError(f"business {business[:40]!r}: one of {', '.join(BUSINESSES)}")
    booked = row["booked"].strip().lower()
    if booked not in ("true", "false"):
        raise ValueError(f"booked {booked[:40]!r}: true or false")
    outcome = row["outcome"].strip()
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome {outcome[:40]!r}: one of {', '.join(OUTCOMES)}")
    issued = _time("issued_at", row["issued_at"].strip())
    times = {}
    for name in ("called_at", "served_at", "ended_at"):
        value = row[name].strip()
        times[name] = _time(name, value) if value else None
    called, served, ended = times["called_at"], times["served_at"], times["ended_at"]
    if called is None and (served or ended):
        raise ValueError("served_at/ended_at given for a ticket never called (called_at empty)")
    if called is None and outcome != "no_show":
        raise ValueError(f"outcome {outcome}: a ticket never called (called_at empty) can only be no_show")
    if outcome == "done" and (served is None or ended is None):
        raise ValueError("outcome done needs served_at and ended_at")
    if outcome == "no_show" and served is not None:
        raise ValueError("outcome no_show with served_at: nobody was served")
    previous, previous_name = issued, "issued_at"
    for name in ("called_at", "served_at", "ended_at"):
        when = times[name]
        if when is None:
            continue
        if when < previous:
            raise ValueError(f"{name} is before {previous_name}")
        if when - issued > MAX_SPAN:
            raise ValueError(f"{name} is more than {MAX_SPAN.seconds // 3600} hours after issued_at")
        previous, previous_name = when, name
    window = row["window"].strip()
    if called is not None and not window:
        raise ValueError("window is empty for a called ticket")
    if len(window) > 32:
        raise ValueError("window: at most 32 characters")
    return Record(
        office,
        business,
        booked == "true",
        (home_county(row["home_county"].strip()),),
        issued,
        called,
        served,
        ended,
        window,
        outcome,
    )


def read_export(lines: Iterable[str]) -> tuple[list[Record], list[str]]:
    """(records, problems) of an export given as text lines; each problem names its line. UnusableInput when
    the header is not the export's."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableInput("the file is empty (expected a header: " + ",".join(COLUMNS) + ")") from None
    except csv.Error as e:
        raise UnusableInput(f"line 1: not CSV ({e})") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    if sorted(header) != sorted(COLUMNS) or len(header) != len(COLUMNS):
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        raise UnusableInput(
            "the header must have exactly the columns "
            + ",".join(COLUMNS)
            + (f"; missing: {','.join(missing)}" if missing else "")
            + (f"; unexpected: {','.join(h[:40] for h in extra)}" if extra else "")
        )
    records, problems = [], []
    for line, fields in _rows(reader):
        if isinstance(fields, str):
            problems.append(f"line {line}: {fields}")
            continue
        if not any(f.strip() for f in fields):
            continue  # a blank line
        if len(fields) != len(header):
            problems.append(f"line {line}: {len(fields)} fields, expected {len(header)}")
            continue
        try:
            records.append(parse_row(dict(zip(header, fields))))
        except ValueError as e:
            problems.append(f"line {line}: {e}")
    return records, problems


def _rows(reader) -> Iterator[tuple[int, list[str] | str]]:
    """(line where the row starts, its fields or a CSV error) — a malformed row does not end the reading."""
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, f"not CSV ({e})"
            continue
        yield line, fields


def export_row(r: Record) -> list[str]:
    """A record as a row of the export (its first home county)."""

    def stamp(when: datetime | None) -> str:
        return when.isoformat(timespec="seconds") if when is not None else ""

    return [
        r.office,
        r.business,
        "true" if r.booked else "false",
        r.home_counties[0] if r.home_counties else "outside_city",
        stamp(r.issued),
        stamp(r.called),
        stamp(r.served),
        stamp(r.ended),
        r.window,
        r.outcome,
    ]


def write_export(records: Iterable[Record], out) -> int:
    """Write the export (header and rows) to a text stream; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for r in records:
        writer.writerow(export_row(r))
        n += 1
    return n
