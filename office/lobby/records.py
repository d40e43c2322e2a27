"""Service records and the counters' queue actions (the office's side of the lobby).

A ticket's life, with the server's clock: issued (the tickets row), then service events — called, recalled,
serving, done, no_show, transferred — each naming the window. The ticket row keeps the current state for the
queue (waiting → called → serving → done | no_show; a transfer puts it back to waiting for another business or
window). Every function here runs inside the caller's write transaction (office/group_commit.py), which also
writes the audit row.

What the counter needs about the people of a ticket is kept beside it (`ticket_parties`): ID number, name (booked
only: walk-in tickets carry no name), how the kiosk verified each person and the score, and the kiosk's
eligibility decision. The rows follow the server's retention (purged with the records of older days).
"""

from __future__ import annotations

import json
from kiosk.domain.checkin import normalise_id
from office.errors import ApiError
from office.clock import stamp

SCHEMA = """
CREATE TABLE IF NOT EXISTS service (
  ticket_id TEXT PRIMARY KEY, office TEXT NOT NULL, day TEXT NOT NULL, window TEXT NOT NULL DEFAULT '',
  recalls INTEGER NOT NULL DEFAULT 0, to_window TEXT NOT NULL DEFAULT '', started_at TEXT, ended_at TEXT,
  outcome TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS service_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id TEXT NOT NULL, office TEXT NOT NULL, day TEXT NOT NULL,
  kind TEXT NOT NULL, window TEXT NOT NULL, at TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS service_events_office ON service_events(office, day, seq);
CREATE TABLE IF NOT EXISTS windows (
  office TEXT NOT NULL, window TEXT NOT NULL, paused INTEGER NOT NULL DEFAULT 0, business TEXT NOT NULL DEFAULT '',
  seen_at TEXT NOT NULL, PRIMARY KEY (office, window));
CREATE TABLE IF NOT EXISTS ticket_parties (
  ref TEXT NOT NULL, day TEXT NOT NULL, id_number TEXT NOT NULL, verified_by TEXT NOT NULL DEFAULT '',
  score REAL, PRIMARY KEY (ref, id_number));
CREATE TABLE IF NOT EXISTS ticket_eligibility (ticket_id TEXT PRIMARY KEY, day TEXT NOT NULL, decision TEXT NOT NULL);
"""
KINDS = ("called", "recalled", "serving", "done", "no_show", "transferred", "paused", "resumed")
_RANK = "CASE t.priority WHEN 'booked' THEN 0 ELSE 1 END"


class Lobby:
    """The queue actions of one server; `versions` tells waiting pages that something changed (long polling)."""

    def __init__(self, backend, no_show_after: int = 2):
        self.backend = backend
        self.no_show_after = no_show_after  # recalls before 未到 / no-show is allowed
        self.versions: dict[str, int] = {}

    def create(self) -> None:
        self.backend.store.connection().executescript(SCHEMA)

    def changed(self, office: str) -> None:
        self.versions[office] = self.versions.get(office, 0) + 1

    # -- records kept at issue and check-in (called from the existing write paths) ------------------------------
    def kept(self, conn, office: str, result: tuple[int, dict], body: dict) -> tuple[int, dict]:
        """After a check-in or a ticket was stored: keep what the counter will need (same transaction)."""
        status, answer = result
        if status != 201:
            return result
        day = self.backend.today()
        if "ticket_id" in answer:
            if answer["priority"] == "walk_in":
                self.keep_parties(conn, answer["ticket_id"], day, body.get("parties"))
            self.keep_eligibility(conn, answer["ticket_id"], day, body.get("eligibility"))
            self.changed(office)
        else:
            self.keep_parties(conn, answer["appointment_id"], day, body.get("parties"))
        return result

    def keep_parties(self, conn, ref: str, day: str, parties) -> None:
        """verified_by and score of each party as the kiosk stated them (check-in: ref = appointment; walk-in
        ticket: ref = ticket)."""
        conn.executemany(
            "INSERT OR REPLACE INTO ticket_parties (ref, day, id_number, verified_by, score) VALUES (?,?,?,?,?)",
            [
                (ref, day, normalise_id(p["id_number"]), p.get("verified_by") or "", p.get("score"))
                for p in parties or ()
                if p.get("id_number")
            ],
        )

    def keep_eligibility(self, conn, ticket_id: str, day: str, decision: dict | None) -> None:
        if decision:
            conn.execute(
                "INSERT OR REPLACE INTO ticket_eligibility (ticket_id, day, decision) VALUES (?,?,?)",
                (ticket_id, day, json.dumps(decision, ensure_ascii=False)),
            )

    def purge(self, conn) -> None:
        """Records older than the retention go (the day's figures for the bureau are aggregated before)."""
        oldest = (self.backend.clock() - self.backend.retention).date().isoformat()
        for table in ("service_events", "ticket_parties", "ticket_eligibility", "service"):
            conn.execute(f"DELETE FROM {table} WHERE day < ?", (oldest,))

    # -- the counters' actions ---------------------------------------------------------------------------------
    def _event(self, conn, row, kind: str, window: str, detail: str = "") -> None:
        conn.execute(
            "INSERT INTO service_events (ticket_id, office, day, kind, window, at, detail) VALUES (?,?,?,?,?,?,?)",
            (row["ticket_id"], row["office"], row["day"], kind, window, stamp(self.backend.clock()), detail),
        )
        self.changed(row["office"])

    def _window(self, conn, office: str, window: str):
        conn.execute(
            "INSERT INTO windows (office, window, seen_at) VALUES (?,?,?) ON CONFLICT DO UPDATE SET seen_at=excluded.seen_at",
            (office, window, stamp(self.backend.clock())),
        )
        return conn.execute("SELECT * FROM windows WHERE office=? AND window=?", (office, window)).fetchone()

    def _at_window(self, conn, office: str, window: str):
        return conn.execute(
            "SELECT t.*, s.recalls FROM tickets t JOIN service s USING (ticket_id)"
            " WHERE t.office=? AND t.day=? AND s.window=? AND t.status IN ('called','serving')"
            " ORDER BY t.called_at DESC LIMIT 1",
            (office, self.backend.today(), window),
        ).fetchone()

    def _ticket(self, conn, office: str, ticket_id: str, window: str):
        row = conn.execute(
            "SELECT t.*, s.recalls FROM tickets t JOIN service s USING (ticket_id)"
            " WHERE t.ticket_id=? AND t.office=? AND s.window=? AND t.status IN ('called','serving')",
            (ticket_id, office, window),
        ).fetchone()
        if row is None:
            raise ApiError(409, "not_at_window", ticket_id=ticket_id)
        return row

    def call_next(self, conn, office: str, window: str, business: str = "") -> tuple[int, dict]:
        """叫号: the next ticket for this window — one transferred to it first, then booked, then walk-ins, each
        in order of issue. The ticket still at the window must be finished first."""
        self.backend.office(office)
        if self._window(conn, office, window)["paused"]:
            raise ApiError(409, "window_paused")
        if self._at_window(conn, office, window) is not None:
            raise ApiError(409, "window_busy")
        args: list = [office, self.backend.today(), window]
        where = ""
        if business:
            where, args = " AND t.business=?", args + [business]
        row = conn.execute(
            "SELECT t.rowid, t.* FROM tickets t LEFT JOIN service s USING (ticket_id)"
            " WHERE t.office=? AND t.day=? AND t.status='waiting' AND COALESCE(s.to_window, '') IN ('', ?)"
            f"{where} ORDER BY COALESCE(s.to_window, '') = '', {_RANK}, t.issued_at, t.rowid LIMIT 1",
            args,
        ).fetchone()
        if row is None:
            raise ApiError(404, "queue_empty")
        return 200, self.called(conn, row, window)

    def called(self, conn, row, window: str) -> dict:
        """Record a call of this ticket to this window (also used by POST /queue/next)."""
        now = stamp(self.backend.clock())
        conn.execute(
            "UPDATE tickets SET status='called', counter=?, called_at=? WHERE ticket_id=?",
            (window, now, row["ticket_id"]),
        )
        conn.execute(
            "INSERT INTO service (ticket_id, office, day, window) VALUES (?,?,?,?)"
            " ON CONFLICT DO UPDATE SET window=excluded.window, recalls=0, to_window='', started_at=NULL,"
            " ended_at=NULL, outcome=''",
            (row["ticket_id"], row["office"], row["day"], window),
        )
        self._event(conn, row, "called", window)
        return {"ticket_id": row["ticket_id"], "number": row["number"], "business": row["business"], "window": window}

    def recall(self, conn, office: str, window: str, ticket_id: str) -> tuple[int, dict]:
        """重呼: the display and the voice repeat the call."""
        row = self._ticket(conn, office, ticket_id, window)
        if row["status"] != "called":
            raise ApiError(409, "already_serving")
        conn.execute("UPDATE service SET recalls=recalls+1 WHERE ticket_id=?", (ticket_id,))
        self._event(conn, row, "recalled", window)
        return 200, {"ticket_id": ticket_id, "number": row["number"], "recalls": row["recalls"] + 1}

    def start(self, conn, office: str, window: str, ticket_id: str) -> tuple[int, dict]:
        """开始办理: the applicants are at the window."""
        row = self._ticket(conn, office, ticket_id, window)
        if row["status"] == "called":
            conn.execute("UPDATE tickets SET status='serving' WHERE ticket_id=?", (ticket_id,))
            conn.execute("UPDATE service SET started_at=? WHERE ticket_id=?", (stamp(self.backend.clock()), ticket_id))
            self._event(conn, row, "serving", window)
        return 200, {"ticket_id": ticket_id, "status": "serving"}

    def finish(self, conn, office: str, window: str, ticket_id: str, outcome: str) -> tuple[int, dict]:
        """办结 (done) or 未到 (no_show: only after the configured number of recalls, never once serving)."""
        row = self._ticket(conn, office, ticket_id, window)
        if outcome == "no_show":
            if row["status"] != "called":
                raise ApiError(409, "already_serving")
            if row["recalls"] < self.no_show_after:
                raise ApiError(409, "recall_first", recalls=row["recalls"], needed=self.no_show_after)
        elif row["status"] != "serving":
            self.start(conn, office, window, ticket_id)
        now = stamp(self.backend.clock())
        conn.execute("UPDATE tickets SET status=? WHERE ticket_id=?", (outcome, ticket_id))
        conn.execute("UPDATE service SET ended_at=?, outcome=? WHERE ticket_id=?", (now, outcome, ticket_id))
        self._event(conn, row, outcome, window)
        return 200, {"ticket_id": ticket_id, "status": outcome}

    def transfer(
        self, conn, office: str, window: str, ticket_id: str, business: str = "", to_window: str = ""
    ) -> tuple[int, dict]:
        """转移: back to the queue for another business (the number stays) and/or a named window, ahead of the
        others there."""
        oc = self.backend.office(office)
        if business and business not in oc.tickets:
            raise ApiError(422, "unknown_business", business=business)
        if not (business or to_window) or to_window == window:
            raise ApiError(422, "invalid_request", detail="give another business or window")
        if (
            to_window
            and not conn.execute("SELECT 1 FROM windows WHERE office=? AND window=?", (office, to_window)).fetchone()
        ):
            raise ApiError(422, "unknown_window", window=to_window)  # nobody would ever call it there
        row = self._ticket(conn, office, ticket_id, window)
        conn.execute(
            "UPDATE tickets SET status='waiting', business=?, counter=NULL WHERE ticket_id=?",
            (business or row["business"], ticket_id),
        )
        conn.execute(
            "UPDATE service SET to_window=?, outcome='transferred', ended_at=? WHERE ticket_id=?",
            (to_window, stamp(self.backend.clock()), ticket_id),
        )
        detail = json.dumps({"business": business or row["business"], "window": to_window})
        self._event(conn, row, "transferred", window, detail)
        return 200, {"ticket_id": ticket_id, "status": "waiting", "business": business or row["business"]}

    def pause(self, conn, office: str, window: str, paused: bool) -> tuple[int, dict]:
        """暂停服务 / resume: a paused window calls nobody (what it serves now it finishes)."""
        self.backend.office(office)
        self._window(conn, office, window)
        conn.execute("UPDATE windows SET paused=? WHERE office=? AND window=?", (int(paused), office, window))
        self.changed(office)
        return 200, {"window": window, "paused": paused}

    def choose(self, conn, office: str, window: str, business: str) -> tuple[int, dict]:
        """The business this window calls (empty: any)."""
        oc = self.backend.office(office)
        if business and business not in oc.tickets:
            raise ApiError(422, "unknown_business", business=business)
        self._window(conn, office, window)
        conn.execute("UPDATE windows SET business=? WHERE office=? AND window=?", (business, office, window))
        self.changed(office)
        return 200, {"window": window, "business": business}
