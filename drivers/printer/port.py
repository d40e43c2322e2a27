"""The printer port: what the kiosk asks of any receipt printer (real, file or simulated).

A ticket counts as issued only when the printer's status after the job is clean (`PrintResult.issued`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Union

from kiosk.domain.ticket import Ticket

# Summary states, worst first when several apply (see status.summarise).
STATES = (
    "disconnected",
    "not_responding",
    "garbage",
    "unknown",
    "cover_open",
    "paper_out",
    "cutter_error",
    "error",
    "offline",
    "near_end",
    "ok",
)


@dataclass(frozen=True)
class PrinterStatus:
    state: str  # one of STATES
    online: bool = False
    cover_open: bool = False
    paper_out: bool = False  # paper end sensor (DLE EOT 4) or stopped by paper end (DLE EOT 2)
    near_end: bool = False
    feed_button: bool = False
    cutter_error: bool = False
    unrecoverable_error: bool = False
    autorecoverable_error: bool = False
    error: bool = False  # DLE EOT 2 bit 6: an error condition stopped the printer
    raw: bytes = b""  # the four answers as received (DLE EOT 1..4), for diagnostics

    @property
    def clean(self) -> bool:
        """Printing may proceed and a finished job counts: ok, or near end (which only raises an alert)."""
        return self.state in ("ok", "near_end")

    @property
    def maintenance_alert(self) -> bool:
        return self.near_end

    def as_dict(self) -> dict:
        return {
            "state": self.state,
            "clean": self.clean,
            "maintenance_alert": self.maintenance_alert,
            "online": self.online,
            "cover_open": self.cover_open,
            "paper_out": self.paper_out,
            "near_end": self.near_end,
            "cutter_error": self.cutter_error,
            "unrecoverable_error": self.unrecoverable_error,
            "autorecoverable_error": self.autorecoverable_error,
            "error": self.error,
            "raw": self.raw.hex(),
        }


@dataclass(frozen=True)
class PrintJob:
    """A ticket (rendered by the driver for its paper) or ready-made ESC/POS bytes.

    created_at is on the driver's clock (time.monotonic by default): a job older than max_job_age_s when the
    driver gets to it is dropped, never printed late.
    """

    payload: Union[Ticket, bytes]
    created_at: float
    job_id: str = ""


# outcome: printed   — sent, and the status after the job is clean → issued
#          refused   — the printer was not ready before the job; nothing sent
#          failed    — sent (maybe partly) but the status after is not clean, or the port failed mid-job
#          dropped   — older than max_job_age_s; nothing sent
#          unverified — sent to a port that cannot report status (file): not counted as issued
@dataclass(frozen=True)
class PrintResult:
    outcome: str
    reason: str = ""  # "" or the state/cause: paper_out, cover_open, offline, not_responding, ...
    status_before: PrinterStatus | None = None
    status_after: PrinterStatus | None = None
    bytes_sent: int = 0
    elapsed_s: float = 0.0
    events: tuple[str, ...] = field(default=())  # maintenance_alert, fault, not_responding

    @property
    def issued(self) -> bool:
        return self.outcome == "printed"

    @property
    def reprint(self) -> bool:
        """Staff must hand out or reprint this ticket (the kiosk shows the number with the staff path)."""
        return not self.issued

    @property
    def maintenance_alert(self) -> bool:
        return "maintenance_alert" in self.events

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "issued": self.issued,
            "reprint": self.reprint,
            "reason": self.reason,
            "maintenance_alert": self.maintenance_alert,
            "events": list(self.events),
            "bytes_sent": self.bytes_sent,
            "elapsed_s": round(self.elapsed_s, 3),
            "status_before": self.status_before.as_dict() if self.status_before else None,
            "status_after": self.status_after.as_dict() if self.status_after else None,
        }


class PrinterPort(Protocol):
    def status(self) -> PrinterStatus: ...

    def print_ticket(self, job: PrintJob) -> PrintResult: ...

    def close(self) -> None: ...
