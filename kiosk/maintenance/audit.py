"""The technician audit log: JSON lines in the state dir, hash-chained so edits, deletions, reordering and
truncation are found by `verify` (and by `kiosk-diag audit verify`).

Each line: {"seq", "at", "action", "details", "prev", "hash"}; `hash` = SHA-256 over `prev` and the canonical JSON
of the other fields, `prev` = the previous line's hash (64 zeros for the first). A side file `audit.head` holds the
last seq and hash, so cutting lines off the end is seen too; every append also logs the new head, so the
journal (owned by root, outside the kiosk user's reach) keeps an independent copy to compare with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from kiosk.services.backend_status import local_now

log = logging.getLogger("kiosk.audit")

AUDIT_FILE, HEAD_FILE = "audit.jsonl", "audit.head"
GENESIS = "0" * 64


def _digest(prev: str, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()


def _body(entry: dict) -> dict:
    return {k: entry[k] for k in ("seq", "at", "action", "details")}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    problem: str = ""  # edited | deleted | reordered | truncated | malformed | head_missing | head_stale
    line: int | None = None  # first bad line, 1-based
    detail: str = ""
    head: str = GENESIS

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "problem": self.problem or None,
            "line": self.line,
            "detail": self.detail,
            "head": self.head,
        }


@dataclass
class AuditLog:
    state_dir: Path
    clock: Callable[[], datetime] = local_now
    actor: str = "technician"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def path(self) -> Path:
        return Path(self.state_dir) / AUDIT_FILE

    @property
    def head_path(self) -> Path:
        return Path(self.state_dir) / HEAD_FILE

    def _head(self) -> tuple[int, str]:
        try:
            seq, digest = self.head_path.read_text().split()
            return int(seq), digest
        except FileNotFoundError:
            return 0, GENESIS

    def record(self, action: str, **details) -> dict:
        """Append one entry; details must be plain JSON and hold no personal data (they are masked anyway)."""
        from kiosk.maintenance.logs import mask_text

        clean = {k: mask_text(v) if isinstance(v, str) else v for k, v in details.items()}
        with self._lock:
            Path(self.state_dir).mkdir(parents=True, exist_ok=True)
            seq, prev = self._head()
            body = {
                "seq": seq + 1,
                "at": self.clock().isoformat(timespec="seconds"),
                "action": action,
                "details": {"actor": self.actor, **clean},
            }
            entry = {**body, "prev": prev, "hash": _digest(prev, body)}
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                f.flush()
                os.fsync(f.fileno())
            tmp = self.head_path.with_suffix(".tmp")
            tmp.write_text(f"{entry['seq']} {entry['hash']}\n")
            os.replace(tmp, self.head_path)
        log.info("audit %s", action, extra={"audit_seq": entry["seq"], "audit_head": entry["hash"]})
        return entry

    def entries(self, last: int | None = None) -> list[dict]:
        """Entries as stored (for the maintenance screen); lines that do not parse are skipped here."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines[-last:] if last else lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def verify(self) -> VerifyResult:
        return verify_file(self.path, self.head_path)


def _parse(lines: list[str]) -> tuple[list[dict], VerifyResult | None]:
    entries: list[dict[str, Any]] = []
    for n, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
                raise ValueError("no seq")
            for key in ("at", "action", "details", "prev", "hash"):
                entry[key]
        except (ValueError, KeyError) as e:
            return entries, VerifyResult(False, len(entries), "malformed", n, f"line {n} is not an audit entry ({e})")
        entries.append(entry)
    return entries, None


def verify_file(path: Path, head_path: Path | None = None) -> VerifyResult:
    try:
        lines = [ln for ln in Path(path).read_text(encoding="utf-8").split("\n") if ln.strip()]
    except FileNotFoundError:
        lines = []
    entries, bad = _parse(lines)
    if bad:
        return bad
    seqs = {e["seq"] for e in entries}
    prev = GENESIS
    for n, entry in enumerate(entries, 1):
        if entry["seq"] != n:
            problem = "reordered" if n in seqs else "deleted"
            return VerifyResult(
                False, len(entries), problem, n, f"line {n} holds entry {entry['seq']}, expected {n}", prev
            )
        if _digest(entry["prev"], _body(entry)) != entry["hash"]:
            return VerifyResult(False, len(entries), "edited", n, f"line {n}: content does not match its hash", prev)
        if entry["prev"] != prev:
            return VerifyResult(
                False, len(entries), "edited", n, f"line {n}: chain broken (previous hash differs)", prev
            )
        prev = entry["hash"]
    if head_path is not None:
        try:
            seq_text, digest = Path(head_path).read_text().split()
            seq = int(seq_text)
        except FileNotFoundError:
            if entries:
                return VerifyResult(False, len(entries), "head_missing", None, f"{head_path} is missing", prev)
            seq, digest = 0, GENESIS
        except ValueError:
            return VerifyResult(False, len(entries), "malformed", None, f"{head_path} is not 'seq hash'", prev)
        if seq > len(entries):
            return VerifyResult(
                False,
                len(entries),
                "truncated",
                len(entries) + 1,
                f"the head says {seq} entries, the file has {len(entries)}",
                prev,
            )
        if seq < len(entries):
            # Lines after the head: appended by hand, or a crash between the line and the head write.
            return VerifyResult(
                False,
                len(entries),
                "head_stale",
                seq + 1,
                f"the head says {seq} entries, the file has {len(entries)}",
                prev,
            )
        if digest != prev:
            return VerifyResult(
                False,
                len(entries),
                "edited",
                seq or None,
                "the chain was rewritten: the last hash does not match the head",
                prev,
            )
    return VerifyResult(True, len(entries), head=prev)
