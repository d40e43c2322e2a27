"""The ESC/POS printer driver: status via DLE EOT 1–4 before and after each job, over any transport.

A job counts (outcome 'printed') only when the status after it is clean. The job is sent, then GS r 1 asks
for the paper sensor — answered only once the buffer is printed, never while stopped — so the status read
after it reflects the finished ticket, not the start of it. Stale jobs are dropped, never printed late.
Recovery: a printer stopped mid-job (paper end, cover, offline, cutter) keeps the rest of the job in its
buffer and prints it once the cause is gone — on top of the next applicant's ticket. So after any job that
failed once bytes went out, the driver sends DLE ENQ 2 (recover from the error and clear the buffers) and
ESC @ at once, and again before the next job; the failed ticket itself is reprinted or voided by staff.
Every command byte is composed with python-escpos (escpos_job.py). Blocking: call from a worker thread.
One job at a time (a lock).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from drivers.printer import status as st
from drivers.printer.port import PrinterStatus, PrintJob, PrintResult
from drivers.printer.render import ticket_bytes
from drivers.printer.transport import FileTransport, SerialTransport, TcpTransport, Transport, UsbTransport
from kiosk.errors import DeviceError, DeviceTimeout

CHUNK = 1024


class EscposPrinter:
    def __init__(
        self,
        transport: Transport,
        *,
        paper_width_mm: int = 80,
        native_qr: bool = True,
        max_job_age_s: float = 60.0,
        status_timeout_s: float = 0.5,
        job_timeout_s: float = 15.0,
        confirm_printed: bool = True,
        settle_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        on_event: Callable[[str, dict], None] | None = None,
    ):
        self.transport = transport
        self.paper_width_mm, self.native_qr = paper_width_mm, native_qr
        self.max_job_age_s = max_job_age_s
        self.status_timeout_s, self.job_timeout_s = status_timeout_s, job_timeout_s
        # Firmware without GS r 1: confirm_printed=False waits settle_s, then judges by DLE EOT alone.
        self.confirm_printed, self.settle_s = confirm_printed, settle_s
        self.clock, self.on_event = clock, on_event
        self._lock = threading.Lock()
        self._must_clear = False  # a job failed after bytes went out: the printer may hold its rest

    # --- the port ------------------------------------------------------------------------------------------------
    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                return self._query()
            except DeviceError:
                self.transport.close()
                return PrinterStatus("disconnected")

    def print_ticket(self, job: PrintJob) -> PrintResult:
        started = self.clock()
        events: list[str] = []

        def result(outcome, reason="", before=None, after=None, sent=0) -> PrintResult:
            r = PrintResult(outcome, reason, before, after, sent, self.clock() - started, tuple(events))
            for e in r.events:
                self._emit(e, {"job_id": job.job_id, "reason": reason})
            return r

        data = (
            job.payload
            if isinstance(job.payload, bytes)
            else ticket_bytes(job.payload, self.paper_width_mm, self.native_qr)
        )
        with self._lock:
            # Checked after waiting for the lock too: a queue behind a stuck job must not print late.
            if self.clock() - job.created_at > self.max_job_age_s:
                return result("dropped", "stale")
            try:
                before = self._query()
            except DeviceError:
                self.transport.close()
                events.append("fault")
                return result("refused", "disconnected")
            self._note(before, events)
            if not before.clean and before.state != "unknown":
                return result("refused", before.state, before)
            if self._must_clear and not self._clear_buffer():
                events.append("fault")
                return result("refused", "disconnected", before)
            sent = 0
            try:
                for i in range(0, len(data), CHUNK):
                    self.transport.write(data[i : i + CHUNK])
                    sent += len(data[i : i + CHUNK])
                if not self.transport.can_read:
                    return result("unverified", "no_status_channel", before, None, sent)
                confirmed = self._wait_printed()
                after = self._query()
            except DeviceError as e:
                self.transport.close()
                events.append("fault")
                reason = "timeout" if isinstance(e, DeviceTimeout) else "disconnected"
                return self._failed(result("failed", reason, before, None, sent))
            self._note(after, events)
            if not after.clean:
                return self._failed(result("failed", after.state, before, after, sent))
            if not confirmed:
                return self._failed(result("failed", "not_confirmed", before, after, sent))
            return result("printed", "", before, after, sent)

    def close(self) -> None:
        with self._lock:
            self.transport.close()

    # --- internals -----------------------------------------------------------------------------------------------
    def _failed(self, r: PrintResult) -> PrintResult:
        """The job stopped part-way: clear what the printer still holds of it now, while it is stopped, so it
        never comes out when paper is loaded or the cover closed; and once more before the next job."""
        if r.bytes_sent:
            self._clear_buffer()
            self._must_clear = True
        return r

    def _clear_buffer(self) -> bool:
        """DLE ENQ 2 (real-time: recover from the error, clear the receive and print buffers), then ESC @
        (initialise). A DLE EOT 1 behind them is answered only once they have arrived, so on return the
        clear has taken effect (or the printer is not answering). False if the port failed (it stays due)."""
        try:
            self.transport.discard_input()
            self.transport.write(_command("recover", True) + _command("hw", "INIT") + _command("realtime_status", 1))
            self.transport.read(1, self.status_timeout_s)
        except DeviceError:
            self.transport.close()
            return False
        self._must_clear = False
        return True

    def _query(self) -> PrinterStatus:
        if not self.transport.can_read:
            self.transport.open()
            return PrinterStatus("unknown")
        self.transport.open()
        self.transport.discard_input()  # late answers from an earlier exchange must not be read as status
        answers: dict[int, int | None] = {}
        for n in (1, 2, 3, 4):
            self.transport.write(_command("realtime_status", n))
            got = self.transport.read(1, self.status_timeout_s)
            answers[n] = got[0] if got else None
            if answers[n] is None:
                break  # a printer that does not answer n=1 will not answer the rest; don't wait 4×
        return st.decode(answers)

    def _wait_printed(self) -> bool:
        """Send GS r 1 and wait for its answer (the buffer is printed). Meanwhile poll DLE EOT 1: a printer that
        went offline (paper end, cover) will not answer GS r, so stop waiting. The two are told apart by the
        fixed bits: DLE EOT answers always have 0x12 set, paper sensor answers (0x00/0x03/0x0C/0x0F) never."""
        if not self.confirm_printed:
            time.sleep(self.settle_s)
            return True
        deadline = self.clock() + self.job_timeout_s
        self.transport.write(_command("paper_sensor_status"))
        polls = 0  # DLE EOT 1 polls not answered yet
        while True:
            got = self.transport.read(1, min(0.25, self.job_timeout_s))
            if got and not st.valid(got[0]):
                if polls:  # a poll sent just before the buffer finished is answered after GS r: take it now,
                    self.transport.read(polls, self.status_timeout_s)  # or it would answer the next query
                return True
            if got:
                polls = max(0, polls - 1)
                if got[0] & 0x08:
                    return False
            if self.clock() >= deadline:
                return False
            if not got:
                self.transport.write(_command("realtime_status", 1))
                polls += 1

    def _note(self, s: PrinterStatus, events: list[str]) -> None:
        if s.maintenance_alert and "maintenance_alert" not in events:
            events.append("maintenance_alert")
        if s.state == "not_responding" and "not_responding" not in events:
            events.append("not_responding")

    def _emit(self, name: str, detail: dict) -> None:
        if self.on_event:
            try:
                self.on_event(name, detail)
            except Exception:  # a broken listener must not break printing
                pass


def _command(method: str, *args) -> bytes:
    from drivers.printer.escpos_job import command  # python-escpos loads its printer database on import

    return command(method, *args)


_OPTIONS = (
    "paper_width_mm",
    "native_qr",
    "max_job_age_s",
    "status_timeout_s",
    "job_timeout_s",
    "confirm_printed",
    "settle_s",
    "clock",
    "on_event",
)


def _driver_options(options: dict) -> dict:
    return {k: v for k, v in options.items() if k in _OPTIONS}


URL_OPTIONS: dict[str, Callable[[str], Any]] = {"confirm": lambda v: v not in ("0", "false", "no"), "settle_s": float}


def split_url_options(url: str) -> tuple[str, dict]:
    """`/dev/kiosk-printer?baudrate=19200&confirm=0` → the port URL and this driver's options; other query
    parameters (baudrate for the serial transport, pyserial's own) stay on the URL. `confirm=0`: firmware
    without GS r 1 (the job is judged by DLE EOT after `settle_s`)."""
    from urllib.parse import parse_qsl, urlencode

    base, _, query = url.partition("?")
    ours, theirs = {}, []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in URL_OPTIONS:
            try:
                ours["confirm_printed" if key == "confirm" else key] = URL_OPTIONS[key](value)
            except ValueError:
                raise DeviceError("printer", f"URL option {key}={value!r} is not valid") from None
        else:
            theirs.append((key, value))
    return (f"{base}?{urlencode(theirs)}" if theirs else base), ours


def factory(url: str, **options) -> EscposPrinter:
    """Registry entry for serial, tcp, usb and file URLs (drivers/printer/adapters.py)."""
    from drivers.registry import scheme_of

    url, from_url = split_url_options(url)
    options = {**options, **from_url}
    scheme = scheme_of(url)
    if scheme == "serial":
        transport: Transport = SerialTransport(url, baudrate=int(options.get("baudrate", 9600)))
    elif scheme == "tcp":
        transport = TcpTransport(url)
    elif scheme == "usb":
        transport = UsbTransport(url)
    elif scheme == "file":
        transport = FileTransport(url)
    else:
        raise ValueError(f"no printer transport for '{url}'")
    return EscposPrinter(transport, **_driver_options(options))
