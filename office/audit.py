"""The server's audit log: every write and every refused call, hash-chained in the office database.

Each row names who called (from the client certificate), what (method, path without the query, status, error
code, a reference such as the appointment or ticket) and when, and carries
hash = sha256(previous hash + the row's canonical JSON); editing, deleting or reordering a row breaks the chain,
which `kiosk-office-server audit verify --db FILE` reports. No personal data goes in: no ID numbers, names,
phones or query strings.
"""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64
FIELDS = ("seq", "at", "who", "serial", "method", "path", "status", "code", "ref")


def _digest(prev: str, row: dict) -> str:
    canonical = json.dumps({k: row[k] for k in FIELDS}, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()


def _clean(text: object, limit: int) -> str:
    return str(text).encode("utf-8", "replace").decode("utf-8")[:limit] if text is not None else ""


def append(
    conn, *, at: str, who: str, serial: str, method: str, path: str, status: int, code: str = "", ref: str = ""
) -> str:
    """Add one row inside the caller's transaction (so it is stored exactly when the write is)."""
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    row = {
        "seq": seq,
        "at": at,
        "who": _clean(who, 120),
        "serial": _clean(serial, 64),
        "method": _clean(method, 8),
        "path": _clean(path, 200),
        "status": int(status),
        "code": _clean(code, 64),
        "ref": _clean(ref, 120),
    }
    digest = _digest(prev, row)
    conn.execute(
        "INSERT INTO audit (seq, at, who, serial, method, path, status, code, ref, prev, hash)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (*[row[k] for k in FIELDS], prev, digest),
    )
    return digest


def verify(conn) -> dict:
    """{"ok", "rows", "broken_at" (first bad seq or None), "head"}."""
    prev, rows, expected_seq = GENESIS, 0, 1
    for r in conn.execute(f"SELECT {', '.join(FIELDS)}, prev, hash FROM audit ORDER BY seq"):
        row = dict(zip((*FIELDS, "prev", "hash"), r))
        if row["seq"] != expected_seq or row["prev"] != prev or _digest(prev, row) != row["hash"]:
            return {"ok": False, "rows": rows, "broken_at": row["seq"], "head": prev}
        prev, rows, expected_seq = row["hash"], rows + 1, expected_seq + 1
    return {"ok": True, "rows": rows, "broken_at": None, "head": prev}
