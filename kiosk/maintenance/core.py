"""The maintenance core the Kivy screens call (no Kivy here): login, device board, counters, settings, audit,
self-tests, the city-wide report, restart. `Maintenance.from_config` wires it; tests build it with fakes.

The shell feeds every flow event and effect to `observe` (counters + device board) and calls `tick()` from its
Clock loop (idle logout). Actions a technician takes go on the audit log here, so no screen can forget to.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Protocol

from kiosk.errors import KioskError
from kiosk.maintenance import report as reports
from kiosk.maintenance.audit import AuditLog
from kiosk.maintenance.counters import DailyCounters
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.logs import RecentLines
from kiosk.maintenance.pin import MaintenanceAuth
from kiosk.maintenance.settings import SafeSettings, defaults_from_config

log = logging.getLogger(__name__)

SELF_TESTS = ("idcard", "printer", "camera", "scanner")


class SelfTest(Protocol):
    """A device self-test wired by the shell: read a test card, print a test ticket, grab a camera frame,
    wait for a test code. Returns a small dict (no personal data: masked card fields only); raises KioskError."""

    def __call__(self, timeout_s: float) -> dict: ...


class JournalReplay(Protocol):
    """The forwarder's 'send the backlog now'; returns how many entries were accepted, refused, left."""

    def __call__(self) -> dict: ...


class ParkedJournal(Protocol):
    """Journal entries the forwarder parked (the server kept failing on them, or refused them after the applicant
    was served): listed without personal data, sent again or given up by a technician."""

    def parked(self) -> list[dict]: ...

    def retry(self, key: str) -> bool: ...

    def discard(self, key: str) -> bool: ...


@dataclass(frozen=True)
class SelfTestResult:
    device: str
    ok: bool
    seconds: float
    detail: dict
    error: str = ""


class NotLoggedIn(KioskError):
    """A maintenance action without a technician session."""


class Maintenance:
    def __init__(
        self,
        *,
        auth: MaintenanceAuth,
        audit: AuditLog,
        board: DeviceBoard,
        counters: DailyCounters,
        settings: SafeSettings,
        recent: RecentLines | None = None,
        office: str = "",
        report_source: reports.ReportSource | None = None,
        export_dir: Path | None = None,
        self_tests: dict[str, SelfTest] | None = None,
        replay: JournalReplay | None = None,
        parked: ParkedJournal | None = None,
        restart: Callable[[], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.auth, self.audit, self.board, self.counters = auth, audit, board, counters
        self.settings, self.recent, self.office = settings, recent or RecentLines(), office
        self.report_source, self.export_dir = report_source, export_dir
        self.self_tests = dict(self_tests or {})
        self.replay, self.restart_fn, self.monotonic = replay, restart, monotonic
        self.parked = parked

    @classmethod
    def from_config(
        cls, config, *, clock=time.time, today: Callable[[], date], walk_in_quota: int | None = None, **ports
    ) -> "Maintenance":
        state = config.state_dir
        state.mkdir(parents=True, exist_ok=True)
        audit = AuditLog(state)
        auth = MaintenanceAuth(
            config.maintenance.pin_hash,
            idle_logout_s=config.maintenance.idle_logout_s,
            audit=audit,
            clock=clock,
            lock_file=state / "pin-lockout.json",
            demo=config.kiosk.demo_controls,
        )
        return cls(
            auth=auth,
            audit=audit,
            board=DeviceBoard(clock=clock),
            counters=DailyCounters(today, state / "counters-today.json"),
            settings=SafeSettings(state, defaults_from_config(config, walk_in_quota), audit=audit),
            office=config.kiosk.office,
            export_dir=state / "reports",
            **ports,
        )

    # -- fed by the shell --------------------------------------------------------------------------------------
    def observe(self, item) -> None:
        self.counters.observe(item)
        self.board.observe(item)

    def tick(self) -> bool:
        """From the UI loop; True when the technician was just logged out for idling (back to attract)."""
        return self.auth.check_idle()

    def _require(self) -> None:
        if not self.auth.logged_in:
            raise NotLoggedIn("log in first")
        self.auth.touch()

    # -- actions -----------------------------------------------------------------------------------------------
    def run_self_test(self, device: str, timeout_s: float = 15.0) -> SelfTestResult:
        self._require()
        test = self.self_tests.get(device)
        if test is None:
            result = SelfTestResult(device, False, 0.0, {}, "not_available")
        else:
            started = self.monotonic()
            try:
                detail = test(timeout_s)
                result = SelfTestResult(device, True, round(self.monotonic() - started, 2), dict(detail or {}))
            except KioskError as e:
                result = SelfTestResult(
                    device, False, round(self.monotonic() - started, 2), {}, type(e).__name__ + ": " + str(e)
                )
            except Exception as e:  # a bug in a test must still end as a failed, audited attempt with its words
                log.exception("self-test %s failed", device)
                result = SelfTestResult(
                    device, False, round(self.monotonic() - started, 2), {}, f"{type(e).__name__}: {e}"
                )
        self.audit.record("self_test", device=device, ok=result.ok, seconds=result.seconds, error=result.error)
        return result

    def change_setting(self, key: str, value):
        self._require()
        return self.settings.change(key, value)

    def paper_replaced(self) -> None:
        self._require()
        self.counters.paper_replaced()
        self.audit.record("paper_replaced")

    def replay_journal(self) -> dict:
        self._require()
        outcome = self.replay() if self.replay else {"error": "not_available"}
        self.audit.record("journal_replay", **{k: v for k, v in outcome.items() if isinstance(v, (int, str))})
        return outcome

    def parked_entries(self) -> list[dict]:
        self._require()
        return self.parked.parked() if self.parked else []

    def retry_parked(self, key: str) -> bool:
        """Send a parked entry again (same Idempotency-Key: the server applies it once at most)."""
        return self._settle_parked("journal_retry", key)

    def discard_parked(self, key: str) -> bool:
        """Give a parked entry up: it is never sent; the audit log keeps who did it and why it was parked."""
        return self._settle_parked("journal_discard", key)

    def _settle_parked(self, action: str, key: str) -> bool:
        self._require()
        if self.parked is None:
            return False
        entry = next((e for e in self.parked.parked() if e["key"] == key), None)
        done = entry is not None and (self.parked.retry(key) if action == "journal_retry" else self.parked.discard(key))
        self.audit.record(
            action,
            entry=key[:12],
            done=done,
            **({k: entry[k] for k in ("kind", "reason", "failures")} if entry else {}),
        )
        return done

    def citywide_report(self, start: str, end: str, *, records=None, export: bool = True) -> dict:
        """Fetch from the office API (or compute from `records`), export CSV + PNG, audit; returns
        {"report", "files"}. Raises ReportRangeError / ReportUnavailable."""
        from kiosk.maintenance.chart import export as export_files

        self._require()
        try:
            if records is not None:
                report = reports.compute(records, self.office, start, end)
            elif self.report_source is not None:
                report = reports.fetch(self.report_source, self.office, start, end)
            else:
                raise reports.ReportUnavailable("no office server configured")
        except (KioskError, reports.ReportRangeError) as e:
            self.audit.record("report_failed", start=start, end=end, error=type(e).__name__)
            raise
        files = None
        if export and self.export_dir is not None:
            stem = f"citywide-{self.office}-{report['from']}_{report['to']}"
            files = export_files(report, self.export_dir / f"{stem}.csv", self.export_dir / f"{stem}.png")
        self.audit.record(
            "report_exported", start=report["from"], end=report["to"], cases=report["cases"], files=bool(files)
        )
        return {"report": report, "files": files}

    def restart(self) -> None:
        """Audited first; then the shell exits non-zero and systemd (Restart=always) starts a fresh kiosk."""
        self._require()
        self.audit.record("restart")
        self.auth.logout("restart")
        if self.restart_fn:
            self.restart_fn()

    def logout(self) -> None:
        self.auth.logout("technician")
