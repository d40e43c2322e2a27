"""SQLite storage for the reference office server.

One connection per thread; every write is one `BEGIN IMMEDIATE` transaction (so ticket numbers stay unique
even with several server processes on one file), serialised in-process by a lock so threads queue on the lock
instead of on SQLite's sleeping busy handler.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS appointments (
  appointment_id TEXT PRIMARY KEY, office TEXT NOT NULL, day TEXT NOT NULL, slot TEXT NOT NULL,
  business TEXT NOT NULL, token TEXT NOT NULL UNIQUE, phone TEXT NOT NULL, code TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'booked', extra TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS appointments_office_day ON appointments(office, day);
CREATE INDEX IF NOT EXISTS appointments_phone ON appointments(phone, day);
CREATE TABLE IF NOT EXISTS parties (
  appointment_id TEXT NOT NULL, seq INTEGER NOT NULL, id_number TEXT NOT NULL, name TEXT NOT NULL,
  sex TEXT NOT NULL, birth TEXT NOT NULL, address TEXT NOT NULL, document TEXT NOT NULL,
  military INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (appointment_id, seq));
CREATE INDEX IF NOT EXISTS parties_id_number ON parties(id_number);
CREATE TABLE IF NOT EXISTS checkins (
  appointment_id TEXT PRIMARY KEY, office TEXT NOT NULL, day TEXT NOT NULL, kiosk_id TEXT NOT NULL,
  checked_in_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
  ticket_id TEXT PRIMARY KEY, office TEXT NOT NULL, day TEXT NOT NULL, business TEXT NOT NULL,
  seq INTEGER NOT NULL, number TEXT NOT NULL, priority TEXT NOT NULL, appointment_id TEXT,
  kiosk_id TEXT NOT NULL, issued_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'waiting',
  offline INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT '', counter TEXT, called_at TEXT,
  parties_match TEXT NOT NULL DEFAULT '',
  UNIQUE (office, day, business, seq, origin));
CREATE INDEX IF NOT EXISTS tickets_queue ON tickets(office, day, business, status, priority, issued_at);
CREATE INDEX IF NOT EXISTS tickets_walk_ins ON tickets(office, day, priority, offline, status);
CREATE TABLE IF NOT EXISTS cases (
  case_id INTEGER PRIMARY KEY, office TEXT NOT NULL, day TEXT NOT NULL, business TEXT NOT NULL,
  source TEXT NOT NULL, ref TEXT NOT NULL UNIQUE);
CREATE INDEX IF NOT EXISTS cases_office_day ON cases(office, day);
CREATE TABLE IF NOT EXISTS case_applicants (case_id INTEGER NOT NULL, home_county TEXT NOT NULL,
  verified_by TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency(created_at);
CREATE TABLE IF NOT EXISTS failures (
  scope TEXT NOT NULL, subject TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failures_subject ON failures(scope, subject, at);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, serial TEXT NOT NULL, method TEXT NOT NULL,
  path TEXT NOT NULL, status INTEGER NOT NULL, code TEXT NOT NULL, ref TEXT NOT NULL, prev TEXT NOT NULL,
  hash TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: Path | str):
        self.path = str(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self.commits = 0  # write transactions committed (group commit's figure)

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    def create(self) -> None:
        conn = self.connection()
        conn.executescript(SCHEMA)
        columns = {r[1] for r in conn.execute("PRAGMA table_info(case_applicants)")}
        if "verified_by" not in columns:  # a database made before identity verification was recorded
            conn.execute("ALTER TABLE case_applicants ADD COLUMN verified_by TEXT NOT NULL DEFAULT ''")
        if "parties_match" not in {r[1] for r in conn.execute("PRAGMA table_info(tickets)")}:  # before walk-in
            conn.execute("ALTER TABLE tickets ADD COLUMN parties_match TEXT NOT NULL DEFAULT ''")  # duplicates
        with self.write() as conn:  # the server's secret: keys the offline bookings list (HMAC)
            conn.execute("INSERT OR IGNORE INTO secrets (name, value) VALUES ('bookings', ?)", (os.urandom(32),))

    def secret(self, name: str) -> bytes:
        return bytes(self.read().execute("SELECT value FROM secrets WHERE name=?", (name,)).fetchone()[0])

    @contextmanager
    def write(self):
        with self._write_lock:
            conn = self.connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # a failed COMMIT (disk full) may have rolled back already; otherwise the connection would stay
                # inside the transaction and refuse every later write
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            self.commits += 1

    def read(self) -> sqlite3.Connection:
        return self.connection()
