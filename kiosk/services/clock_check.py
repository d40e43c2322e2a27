"""Is the kiosk's clock right? Two views, for the maintenance screen, the metrics and the kiosk's own stamps:

- the operating system's: is it synchronised (`timedatectl show`, else `chronyc tracking`; neither → unknown);
- the office server's: the offset between the `Date` header of its answers and the kiosk's clock.

When the offset passes half the server's tolerance for stated times (`CLOCK_TOLERANCE`), the kiosk's stamps
(check-ins, offline tickets, the date the flow decides with) use the server-adjusted time and the technician is
warned: a kiosk right at the tolerance (say 10 min fast) must still get its check-ins accepted, and a clock that
far off also shifts the check-in window. The offset is measured from every answer, so it follows a clock that
is fixed or drifts.
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import subprocess
import threading
from collections import deque
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Callable

from kiosk.services.backend_status import local_now
from kiosk.domain.checkin import CLOCK_TOLERANCE

log = logging.getLogger(__name__)
SYNC_STATES = ("yes", "no", "unknown")
PROBE_TIMEOUT_S = 2.0


def _run(argv: list[str], path: str | None) -> str | None:
    exe = shutil.which(argv[0], path=path)
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, *argv[1:]], capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, env={**os.environ, "LC_ALL": "C"}
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def system_sync(path: str | None = None) -> tuple[str, str]:
    """(yes | no | unknown, the tool that said so). `path`: where to look for the tools (tests)."""
    out = _run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], path)
    if out is not None and out.strip() in ("yes", "no"):
        return out.strip(), "timedatectl"
    out = _run(["chronyc", "tracking"], path)
    if out is not None:
        for line in out.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "leap status":
                return ("no" if "not synchronised" in value.lower() else "yes"), "chronyc"
    return "unknown", ""


class ClockCheck:
    def __init__(
        self,
        clock: Callable[[], datetime] = local_now,
        *,
        tolerance: timedelta = CLOCK_TOLERANCE,
        probe: Callable[[], tuple[str, str]] = system_sync,
        window: int = 5,
    ):
        self.clock, self.tolerance, self.probe = clock, tolerance, probe
        self.adjust_at_s = tolerance.total_seconds() / 2
        self._offsets: deque[float] = deque(maxlen=window)
        self._lock = threading.Lock()
        self.synchronised, self.sync_source = "unknown", ""
        self.measured_at: str | None = None
        self._warned = False

    # -- measuring ---------------------------------------------------------------------------------------------
    def observe_date(self, header: str) -> None:
        """A `Date` header of an answer just received (the office client calls this; any thread)."""
        last = header.split("GMT,")[-1].strip()  # two Date headers arrive joined: the app's is last
        try:
            server = parsedate_to_datetime(last if last.endswith("GMT") else last + " GMT")
        except (TypeError, ValueError, IndexError):
            return
        if server is None or server.tzinfo is None:
            return
        mine = self.clock()
        # Date has whole seconds, cut down: on average the server's time was half a second later.
        offset = (server - mine).total_seconds() + 0.5
        with self._lock:
            self._offsets.append(offset)
            self.measured_at = mine.isoformat(timespec="seconds")
        self._note()

    def probe_system(self) -> str:
        """Ask the operating system (blocking, up to a few seconds: call from a worker)."""
        state, source = self.probe()
        self.synchronised, self.sync_source = state, source
        return state

    # -- reading -----------------------------------------------------------------------------------------------
    @property
    def offset_s(self) -> float | None:
        """Server minus kiosk, in seconds (median of the last answers); None until the server has answered."""
        with self._lock:
            return round(statistics.median(self._offsets), 1) if self._offsets else None

    @property
    def adjusting(self) -> bool:
        offset = self.offset_s
        return offset is not None and abs(offset) > self.adjust_at_s

    def now(self) -> datetime:
        """The kiosk's time for anything it states: its own clock, or the server-adjusted one when it is off."""
        offset = self.offset_s
        mine = self.clock()
        if offset is not None and abs(offset) > self.adjust_at_s:
            return mine + timedelta(seconds=offset)
        return mine

    def snapshot(self) -> dict:
        offset = self.offset_s
        return {
            "synchronised": self.synchronised,
            "source": self.sync_source,
            "offset_s": offset,
            "tolerance_s": self.tolerance.total_seconds(),
            "adjusting": self.adjusting,
            "measured_at": self.measured_at,
            "warning": self.adjusting or self.synchronised == "no",
        }

    def _note(self) -> None:
        adjusting = self.adjusting
        if adjusting and not self._warned:
            log.warning(
                "the kiosk's clock runs %+.0f s ahead of the office server's: stamping with the server's time",
                -(self.offset_s or 0.0),
                extra={"event": "clock_off"},
            )
        elif self._warned and not adjusting:
            log.info("the kiosk's clock agrees with the office server's again", extra={"event": "clock_ok"})
        self._warned = adjusting
