"""Structured logging with personal data masked everywhere.

One JSON object per line on stderr (systemd sends it to the journal; `JOURNAL_STREAM` tells us so), each record
passed through `MaskingFilter` first: 18-character ID numbers (GB 11643 shape; also residence permits 81/82/83…),
mainland mobile numbers, and the names of the applicants currently at the kiosk (`KnownNames`, filled when a card
is read, emptied when the session ends). The filter sits on the handlers, so it sees records from every logger.
`RecentLines` keeps the last masked lines for the maintenance screen.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from collections import deque
from datetime import datetime

from kiosk.domain.dates import CHINA
from kiosk.domain.masking import mask_id_for_screen, mask_name, mask_phone

# 6-digit division · birth date 18xx–20xx · 3-digit sequence · check character; not inside a longer token.
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)
PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
# Record attributes that belong to logging itself, not to the caller's `extra`.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class KnownNames:
    """Names to hide in logs while their owner is at the kiosk. Thread-safe; nothing here is ever logged."""

    def __init__(self):
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *names: str) -> None:
        with self._lock:
            self._names.update(n.strip() for n in names if n and len(n.strip()) >= 2)

    def clear(self) -> None:
        with self._lock:
            self._names.clear()

    def current(self) -> list[str]:
        with self._lock:
            return sorted(self._names, key=len, reverse=True)  # longest first: 欧阳娜娜 before 欧阳


def mask_text(text: str, names: KnownNames | None = None) -> str:
    text = ID_NUMBER.sub(lambda m: mask_id_for_screen(m.group()), text)
    text = PHONE.sub(lambda m: mask_phone(re.sub(r"[^\d]", "", m.group())[-11:]), text)
    for name in names.current() if names else ():
        text = text.replace(name, mask_name(name))
    return text


def _mask_value(value, names):
    if isinstance(value, str):
        return mask_text(value, names)
    if isinstance(value, dict):
        return {k: _mask_value(v, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_value(v, names) for v in value]
    return value


class MaskingFilter(logging.Filter):
    """Rewrites the record in place: message (with its args merged), exception text and string extras."""

    def __init__(self, names: KnownNames | None = None):
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_kiosk_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask_text(message, self.names), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text, self.names)
        record.exc_info = None  # the traceback now lives, masked, in exc_text
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info, self.names)
        for key, value in list(vars(record).items()):
            if key not in _RESERVED and not key.startswith("_"):
                setattr(record, key, _mask_value(value, self.names))
        record._kiosk_masked = True
        return True


# syslog priorities: under systemd a "<N>" line prefix sets the journal's priority (SyslogLevelPrefix=yes).
_PRIORITY = {"CRITICAL": 2, "ERROR": 3, "WARNING": 4, "INFO": 6, "DEBUG": 7}


class JsonFormatter(logging.Formatter):
    """{"ts", "level", "logger", "msg", ...extras, "exc"}: one line, UTF-8, easy for journald and Loki."""

    def __init__(self, journal: bool = False):
        super().__init__()
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        line = self._json(record)
        return f"<{_PRIORITY.get(record.levelname, 6)}>{line}" if self.journal else line

    def _json(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, CHINA).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_text:
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)


class RecentLines(logging.Handler):
    """The last `size` (already masked) lines for the maintenance screen, in China time like the audit log and
    the tickets. A message repeating (an audio device warning every few seconds) stays one line with a count, so
    it cannot push everything else out; `lines(min_level=…)` filters by level."""

    REPEAT_WINDOW = 30  # a message seen among the last this many lines is counted there, not added again

    def __init__(self, size: int = 200):
        super().__init__()
        self._lines: deque[list] = deque(maxlen=size)  # [levelno, when, level letter, logger, message, count]
        self._lock_lines = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            when = datetime.fromtimestamp(record.created, CHINA).strftime("%H:%M:%S")
            key = (record.levelno, record.name, record.getMessage())
            with self._lock_lines:
                recent = list(self._lines)[-self.REPEAT_WINDOW :]
                same = next((x for x in reversed(recent) if (x[0], x[3], x[4]) == key), None)
                if same is not None:
                    self._lines.remove(same)
                    same[1], same[5] = when, same[5] + 1
                    self._lines.append(same)
                else:
                    self._lines.append([record.levelno, when, record.levelname[0], record.name, key[2], 1])
        except Exception:
            self.handleError(record)

    def lines(self, last: int | None = None, min_level: int = logging.NOTSET) -> list[str]:
        with self._lock_lines:
            items = [x for x in self._lines if x[0] >= min_level]
        text = [f"{w} {lv} {name}: {msg}" + (f"  (×{n})" if n > 1 else "") for _, w, lv, name, msg, n in items]
        return text[-last:] if last else text


def setup_logging(
    level: str = "INFO", names: KnownNames | None = None, stream=None, recent: RecentLines | None = None
) -> tuple[KnownNames, RecentLines]:
    """Install the masked JSON handler (and the recent-lines buffer) on the root logger; idempotent."""
    names = names or KnownNames()
    recent = recent or RecentLines()
    masking = MaskingFilter(names)
    # sys.__stderr__: Kivy swaps sys.stderr for a writer that logs, which would loop back into this handler.
    handler = logging.StreamHandler(stream or sys.__stderr__)
    # JOURNAL_STREAM is set by systemd when stderr is connected to the journal.
    handler.setFormatter(JsonFormatter(journal=bool(os.environ.get("JOURNAL_STREAM")) and stream is None))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_kiosk_handler", False)]:
        root.removeHandler(old)
    for h in (handler, recent):
        h.addFilter(masking)
        setattr(h, "_kiosk_handler", True)  # marks our handlers, removed when logging is set up again
        root.addHandler(h)
    root.setLevel(level.upper())
    logging.captureWarnings(True)
    return names, recent
