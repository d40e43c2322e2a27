"""The journal's one SQLite file: opening it (key, pragmas, schema, migrations), sealing what it stores with
Fernet, and one lock and transaction for every part (outbox, offline numbering, bookings cache)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from cryptography.fernet import Fernet, InvalidToken

from kiosk.errors import KioskError
from kiosk.services import secrets
from kiosk.services.backend_status import local_now

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, office TEXT NOT NULL,
  path TEXT NOT NULL, body BLOB NOT NULL, created_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0, answered_at TEXT, http_status INTEGER, response TEXT,
  error_code TEXT, offline_number TEXT, ref TEXT, failures INTEGER NOT NULL DEFAULT 0, park_reason TEXT,
  detached INTEGER NOT NULL DEFAULT 0, pruned INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS entries_status ON entries(status, seq);
CREATE TABLE IF NOT EXISTS offline_counters (
  office TEXT NOT NULL, day TEXT NOT NULL, business TEXT NOT NULL, last INTEGER NOT NULL,
  PRIMARY KEY (office, day, business));
CREATE TABLE IF NOT EXISTS bookings_cache (
  office TEXT NOT NULL, day TEXT NOT NULL, fetched_at TEXT NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (office, day));
"""
# Columns added after the first release (a terminal's journal is migrated in place when opened).
_ADDED = {
    "failures": "INTEGER NOT NULL DEFAULT 0",
    "park_reason": "TEXT",
    "detached": "INTEGER NOT NULL DEFAULT 0",
    "pruned": "INTEGER NOT NULL DEFAULT 0",
}

StoreT = TypeVar("StoreT", bound="Store")


class JournalError(KioskError):
    """The journal cannot be opened or read (disk, key file, corruption)."""


def load_or_create_key(path: Path) -> bytes:
    """The Fernet key; created once with mode 0600 (O_EXCL, so two processes never make two keys)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
        f.flush()
        os.fsync(f.fileno())
    return key


class Store:
    FILE, KEY_FILE = "journal.sqlite3", "journal.key"

    def __init__(
        self,
        db_path: Path,
        fernet: Fernet,
        conn: sqlite3.Connection,
        clock: Callable[[], datetime],
        key_sealed: bool = False,
        couple_salt: bytes = b"",
    ):
        self.db_path, self._fernet, self._conn, self.clock = db_path, fernet, conn, clock
        self.key_sealed = key_sealed  # the key came from a TPM2-sealed systemd credential, not a plain file
        self._couple_salt = couple_salt
        self._lock = threading.RLock()

    @classmethod
    def _key(cls, state: Path) -> tuple[bytes, bool]:
        sealed = secrets.credential(secrets.JOURNAL_KEY)
        if sealed is not None:
            return sealed.read_bytes().strip(), True
        if (state / cls.FILE).exists() and not (state / cls.KEY_FILE).exists():
            # A new key would not open it: the key is sealed (run inside kiosk.service) or lost.
            raise JournalError(
                f"the journal in {state} has no key here: it is sealed to the TPM2 (run the tool as kiosk.service "
                "runs, e.g. systemd-run with its LoadCredentialEncrypted=; deploy/README.md) or it was lost"
            )
        return load_or_create_key(state / cls.KEY_FILE), False

    @classmethod
    def open(cls: type[StoreT], state_dir: Path | str, clock: Callable[[], datetime] = local_now) -> StoreT:
        state = Path(state_dir)
        try:
            state.mkdir(parents=True, exist_ok=True, mode=0o700)
            key, sealed = cls._key(state)
            fernet = Fernet(key)
            conn = sqlite3.connect(state / cls.FILE, isolation_level=None, check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA secure_delete=ON")  # freed pages (pruned bodies, purged rows) are zeroed
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(SCHEMA)
            have = {r["name"] for r in conn.execute("PRAGMA table_info(entries)")}
            for column, kind in _ADDED.items():
                if column not in have:
                    conn.execute(f"ALTER TABLE entries ADD COLUMN {column} {kind}")
        except (OSError, sqlite3.Error, ValueError) as e:
            raise JournalError(f"cannot open the journal in {state}: {e}") from None
        couple_salt = hmac.new(key, b"walk-in couple", hashlib.sha256).digest()[:16]
        return cls(state / cls.FILE, fernet, conn, clock, sealed, couple_salt)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _now(self) -> str:
        return self.clock().isoformat(timespec="milliseconds")

    def _seal(self, obj: Any) -> bytes:
        return self._fernet.encrypt(json.dumps(obj, ensure_ascii=False).encode())

    def _open(self, blob: bytes) -> Any:
        try:
            return json.loads(self._fernet.decrypt(blob))
        except InvalidToken:
            raise JournalError("journal data cannot be decrypted (wrong or replaced key file)") from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, committed durably or rolled back whole."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # a failed COMMIT (disk full) has rolled back already
                    self._conn.execute("ROLLBACK")
                raise
