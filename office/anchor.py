"""The audit chain's head, anchored outside the database, so the log cannot be cut short unseen.

The hash chain (office/audit.py) shows an edited or removed row in the middle, but not its last rows deleted, nor
a chain recomputed from some row on by someone who can write the database. So at a fixed interval (and when the
server stops) the server appends the chain's head — the last row's seq and hash — to an append-only file, signed
with the server's TLS key and carrying the server's certificate:

    {"seq": 812, "head": "9f…", "at": "2026-11-26T10:06:00.000+08:00", "cert": "-----BEGIN…", "sig": "MEU…"}

`kiosk-office-server audit verify --db FILE --tls-dir DIR` checks each line's certificate against the office CA
and its signature, and that the database still holds that row with that hash and at least that many rows: rows
deleted at the end, or a chain recomputed, no longer match the last anchor. Rows written after the last anchor
are covered only by the next one (at most one interval). Keep the file where the database's writer cannot rewrite
it (another disk, `chattr +a`, a copy shipped off the machine): whoever can rewrite both, and holds the server's
key, can forge both.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import threading
from pathlib import Path

CONTEXT = b"heyuan-office-audit-anchor\n"


def _message(seq: int, head: str, at: str) -> bytes:
    return CONTEXT + f"{seq}\n{head}\n{at}".encode()


class Anchors:
    def __init__(self, path: Path | str, key_file: Path | str, cert_file: Path | str, interval_s: float = 60.0):
        self.path, self.key_file, self.cert_file = Path(path), Path(key_file), Path(cert_file)
        self.interval_s = interval_s
        self._last: tuple[int, str] | None = None
        self._lock = threading.Lock()

    def anchor(self, conn, at: str) -> dict | None:
        """Append the chain's head if it moved since the last anchor; the line written, or None."""
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        if row is None:
            return None
        seq, head = int(row[0]), str(row[1])
        with self._lock:
            if self._last == (seq, head):
                return None
            key = serialization.load_pem_private_key(self.key_file.read_bytes(), None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            signature = key.sign(_message(seq, head, at), ec.ECDSA(hashes.SHA256()))
            line = {
                "seq": seq,
                "head": head,
                "at": at,
                "cert": self.cert_file.read_text(encoding="ascii"),
                "sig": base64.b64encode(signature).decode(),
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, (json.dumps(line, separators=(",", ":")) + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            self._last = (seq, head)
            return line

    async def run(self, store, clock_stamp) -> None:
        """Anchor every interval until cancelled (the server's lifespan), off the event loop."""
        while True:
            await asyncio.sleep(self.interval_s)
            await asyncio.to_thread(self.anchor_now, store, clock_stamp)

    def anchor_now(self, store, clock_stamp) -> dict | None:
        import logging

        try:
            return self.anchor(store.connection(), clock_stamp())
        except Exception:  # the server goes on; the next interval tries again
            logging.getLogger("office.audit").exception("audit anchor not written")
            return None


def check(conn, path: Path | str, ca_file: Path | str) -> dict:
    """{"ok", "anchors", "anchored_seq", "problem"}: every anchor authentic and matched by the database."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    ca = x509.load_pem_x509_certificate(Path(ca_file).read_bytes())
    count, last_seq = 0, 0
    rows = conn.execute("SELECT COUNT(*), MAX(seq) FROM audit").fetchone()
    max_seq = rows[1] or 0

    def bad(problem: str) -> dict:
        return {"ok": False, "anchors": count, "anchored_seq": last_seq, "problem": problem}

    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        return bad(f"anchors not readable: {e.strerror}")
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            cert = x509.load_pem_x509_certificate(line["cert"].encode("ascii"))
            cert.verify_directly_issued_by(ca)
            public = cert.public_key()
            assert isinstance(public, ec.EllipticCurvePublicKey)
            message = _message(int(line["seq"]), str(line["head"]), str(line["at"]))
            public.verify(base64.b64decode(line["sig"]), message, ec.ECDSA(hashes.SHA256()))
        except (ValueError, KeyError, TypeError, AssertionError, InvalidSignature):
            return bad(f"anchor line {number} is not authentic")
        seq = int(line["seq"])
        if seq < last_seq:
            return bad(f"anchor line {number} goes back in the chain")
        row = conn.execute("SELECT hash FROM audit WHERE seq=?", (seq,)).fetchone()
        if row is None or seq > max_seq:
            return bad(f"rows up to {seq} were anchored; the log ends at {max_seq} (cut short)")
        if row[0] != line["head"]:
            return bad(f"row {seq} is not the one anchored (the chain was rewritten)")
        count, last_seq = count + 1, seq
    return {"ok": True, "anchors": count, "anchored_seq": last_seq, "problem": None}
