"""Where the records come from: an export file from the office's queue system, and the server's own tickets.

A source answers `load()` with (records, problems) and `version()`, which changes when its records may have
changed (the bureau page keeps its advice until then). `Merged` puts sources together: for an office and day
that an earlier source covers, a later source's records are left out, so an office's export wins over the
server's own tickets and service records.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Callable, Protocol

from office.workload.records import Record, UnusableInput, read_export


class RecordsSource(Protocol):
    def load(self) -> tuple[list[Record], list[str]]: ...

    def version(self) -> str: ...


class ExportFile:
    """An export with the columns of office/workload/records.py COLUMNS. `make` (the demo) writes the file into
    the text stream it is given when the file is first read and is missing."""

    def __init__(self, path: Path | str, make: Callable | None = None):
        self.path, self.make = Path(path), make

    def version(self) -> str:
        try:
            st = os.stat(self.path)
        except OSError:
            return "missing"
        return f"{st.st_mtime_ns}:{st.st_size}"

    def load(self) -> tuple[list[Record], list[str]]:
        """UnusableInput when the file cannot be read or is not the export."""
        if self.make is not None and not self.path.exists():
            partial = self.path.with_name(self.path.name + ".part")
            with open(partial, "w", encoding="utf-8", newline="") as f:
                self.make(f)
            partial.replace(self.path)
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as f:
                return read_export(f)
        except FileNotFoundError:
            raise UnusableInput(f"{self.path}: no such file") from None
        except IsADirectoryError:
            raise UnusableInput(f"{self.path}: is a directory") from None
        except UnicodeDecodeError as e:
            raise UnusableInput(f"{self.path}: not UTF-8 text (byte {e.start})") from None
        except OSError as e:
            raise UnusableInput(f"{self.path}: cannot be read ({e.strerror})") from None


class TicketsTable:
    """The server's tickets of past days, with the home counties of the case each ticket belongs to, and what
    the counters recorded of each (office/lobby/records.py: serving started, ended, outcome, window). A ticket
    called through the bare queue API, without the console, has no service times: it counts for arrivals,
    waits, windows and shares only."""

    def __init__(self, connect: Callable, today: Callable[[], str]):
        self.connect, self.today = connect, today

    def version(self) -> str:
        row = self.connect().execute("SELECT COUNT(*), MAX(rowid) FROM tickets WHERE day < ?", (self.today(),))
        count, last = row.fetchone()
        return f"{self.today()}:{count}:{last}"

    def load(self) -> tuple[list[Record], list[str]]:
        from datetime import datetime

        from kiosk.domain.dates import CHINA

        conn = self.connect()
        homes: dict[str, list[str]] = {}
        for ref, county in conn.execute(
            "SELECT c.ref, a.home_county FROM cases c JOIN case_applicants a USING (case_id) WHERE c.day < ?",
            (self.today(),),
        ):
            homes.setdefault(ref, []).append(county)
        records = []
        for t in conn.execute(
            "SELECT t.ticket_id, t.office, t.business, t.priority, t.appointment_id, t.issued_at, t.called_at,"
            " COALESCE(NULLIF(s.window, ''), t.counter), s.started_at, s.ended_at, s.outcome"
            " FROM tickets t LEFT JOIN service s USING (ticket_id)"
            " WHERE t.day < ? AND t.status != 'void' ORDER BY t.office, t.issued_at",
            (self.today(),),
        ):
            called, served, ended = (
                datetime.fromisoformat(v).astimezone(CHINA) if v else None for v in t[6:7] + t[8:10]
            )
            outcome = t[10] or ""
            if outcome == "done" and (served is None or ended is None):
                outcome = ""  # done without times (a window closed mid-service): not a service time
            records.append(
                Record(
                    office=t[1],
                    business=t[2],
                    booked=t[3] == "booked",
                    home_counties=tuple(homes.get(t[4] or t[0], ())),
                    issued=datetime.fromisoformat(t[5]).astimezone(CHINA),
                    called=called,
                    served=served if outcome else None,
                    ended=ended if outcome else None,
                    window=t[7] or "",
                    outcome=outcome,
                )
            )
        return records, []


class Merged:
    def __init__(self, *sources: RecordsSource):
        self.sources = sources

    def version(self) -> str:
        return "|".join(s.version() for s in self.sources)

    def load(self) -> tuple[list[Record], list[str]]:
        covered: set[tuple[str, date]] = set()
        records: list[Record] = []
        problems: list[str] = []
        for source in self.sources:
            found, trouble = source.load()
            problems += trouble
            new = [r for r in found if (r.office, r.issued.date()) not in covered]
            covered |= {(r.office, r.issued.date()) for r in new}
            records += new
        return records, problems
