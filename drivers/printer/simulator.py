"""The printer simulator on a pseudo-terminal or a TCP port (9100-style), and the in-process `sim://printer`.

`sim://printer?out=DIR&paper=M&near_end_after=N&paper_mm=58` → a real EscposPrinter talking bytes over a pty to
an in-process PrinterSim; `.sim` is the handle (pull paper, open the cover, ...), `.device` the pty.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from drivers.common.pty_device import PtyDevice
from drivers.printer.driver import EscposPrinter, _driver_options
from drivers.printer.port import PrinterStatus, PrintJob, PrintResult
from drivers.printer.sim_core import PrinterSim
from drivers.printer.transport import SerialTransport


class PtyPrinter(PtyDevice):
    """The simulator's serial side. No baud pacing: USB-serial printers are not the bottleneck here."""

    def __init__(self, core: PrinterSim, link_path: str | None = None):
        super().__init__(baudrate=115200, model_timing=False, link_path=link_path, name="printer")
        self.core = core
        core.on_reply = self.send  # answers the printer gives on its own (GS r 1 when it resumes)

    def on_receive(self, data: bytes) -> None:
        reply = self.core.feed(data)
        if reply:
            self.send(reply)


class TcpPrinter:
    """Raw TCP printing (port 9100 style) on loopback: one client at a time, like most printers."""

    def __init__(self, core: PrinterSim, host: str = "127.0.0.1", port: int = 9100):
        self.core, self.host, self.port = core, host, port
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._conn: socket.socket | None = None
        core.on_reply = self._send_unasked

    def _send_unasked(self, data: bytes) -> None:
        conn = self._conn
        if conn is not None:
            conn.sendall(data)

    def start(self) -> int:
        self._server = socket.create_server((self.host, self.port))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._loop, name="sim-printer-tcp", daemon=True)
        self._thread.start()
        return self.port

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        if self._server:
            self._server.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                assert self._server is not None  # bound by start() before this thread runs
                conn, _ = self._server.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(0.1)
                self._conn = conn
                while not self._stop.is_set():
                    try:
                        data = conn.recv(4096)
                    except socket.timeout:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    reply = self.core.feed(data)
                    if reply:
                        try:
                            conn.sendall(reply)
                        except OSError:
                            break
                self._conn = None


class SimulatedPrinter:
    """The port, backed by a real driver and an in-process simulator (demo: devices.printer = "sim://printer").

    The pty starts on first use, not in the constructor.
    """

    def __init__(self, sim: PrinterSim, **options):
        self.sim = sim
        self.device = PtyPrinter(sim)
        self._options = options
        self._driver: EscposPrinter | None = None
        self._lock = threading.Lock()

    @property
    def driver(self) -> EscposPrinter:
        with self._lock:
            if self._driver is None:
                if self.device.link_path is None:  # a stable name, so the driver finds it after vanish/reappear
                    self.device.link_path = str(Path(tempfile.mkdtemp(prefix="kiosk-sim-printer-")) / "tty")
                path = self.device.start()
                self._driver = EscposPrinter(SerialTransport(path, baudrate=115200), **_driver_options(self._options))
            return self._driver

    @property
    def path(self) -> str:
        self.driver  # starts the pty (with its stable link) on first use
        return self.device.path

    def status(self) -> PrinterStatus:
        return self.driver.status()

    def print_ticket(self, job: PrintJob) -> PrintResult:
        return self.driver.print_ticket(job)

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                self._driver.close()
                self._driver = None
            self.device.stop()
            if self.device.link_path:
                shutil.rmtree(Path(self.device.link_path).parent, ignore_errors=True)
                self.device.link_path = None


def factory(url: str, **options) -> SimulatedPrinter:
    query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    paper_mm = int(query.get("paper_mm", options.get("paper_width_mm", 80)))
    paper = int(query.get("paper", 1000))
    near = int(query["near_end_after"]) if "near_end_after" in query else None
    sim = PrinterSim(
        paper_mm=paper_mm, paper_tickets=paper, near_end_after=near, out_dir=query.get("out") or options.get("out_dir")
    )
    options = {**options, "paper_width_mm": paper_mm}
    return SimulatedPrinter(sim, **options)
