"""The configured ID card reader, QR scanner and ticket printer (real or simulated, through drivers.registry):
created from the configuration, started and stopped together, their events translated into flow events here.
The camera and the fingerprint sensor are opened per party by the identity steps (kiosk/services/identity/steps.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from kiosk.config import KioskConfig
from kiosk.flow import events as ev

if TYPE_CHECKING:
    from drivers.idcard.port import IdCardReader
    from drivers.printer.port import PrinterPort
    from drivers.scanner.port import Scanner
    from kiosk.app.relay import EventRelay

log = logging.getLogger(__name__)


def device_event_table() -> dict[type, Callable[[str, object], ev.Event]]:
    """Driver event type → the flow event it becomes (given the device's name): the one place they meet."""
    from drivers.idcard.port import CardRead, CardRemoved, ReaderFault, ReaderRecovered
    from drivers.scanner.port import Scan, ScannerFault, ScannerRecovered

    def fault(name, e):
        return ev.DeviceFault(name, getattr(e, "reason", ""))

    def recovered(name, e):
        return ev.DeviceRecovered(name)

    return {
        CardRead: lambda name, e: ev.CardRead(e.record),
        CardRemoved: lambda name, e: ev.CardRemoved(),
        Scan: lambda name, e: ev.QrScanned(e.payload),
        ReaderFault: fault,
        ScannerFault: fault,
        ReaderRecovered: recovered,
        ScannerRecovered: recovered,
    }


class Devices:
    def __init__(
        self,
        idcard: IdCardReader | None,
        scanner: Scanner | None,
        printer: PrinterPort | None,
        events: EventRelay,
        on_card: Callable[[str], None] | None = None,
    ):
        self.idcard, self.scanner, self.printer = idcard, scanner, printer
        self.events = events
        self.on_card = on_card  # a card's ID number as soon as it is read (the office link warms its booking hash)

    @classmethod
    def from_config(
        cls,
        config: KioskConfig,
        events: EventRelay,
        on_card: Callable[[str], None] | None = None,
        options: dict[str, dict] | None = None,
    ) -> "Devices":
        """`options`: extra driver options by device kind (a benchmark's reader without the wire-timing model)."""
        d, extra = config.devices, options or {}
        # The card's photo bytes stay raw in the record; the identity service decodes them (devices.wlt_library).
        fingerprints = {"read_fingerprints": True} if d.fingerprint not in ("", "none") else {}
        return cls(
            _create("idcard", d.idcard, **fingerprints, **extra.get("idcard", {})),
            _create("scanner", d.scanner, **extra.get("scanner", {})),
            _create(
                "printer",
                d.printer,
                paper_width_mm=config.printer.paper_width_mm,
                native_qr=config.printer.native_qr,
                max_job_age_s=config.printer.max_job_age_s,
                **extra.get("printer", {}),
            ),
            events,
            on_card,
        )

    def start(self) -> None:
        """Start the reader and the scanner; their events go to the relay (from the devices' threads)."""
        for name, device in (("idcard", self.idcard), ("scanner", self.scanner)):
            if device is None:
                continue
            try:
                device.start(self._listener(name))
            except Exception as e:  # a device that cannot start is a fault, not a crash
                log.warning("%s did not start: %s", name, type(e).__name__)
                self.events.post(ev.DeviceFault(name, type(e).__name__))

    def stop(self) -> None:
        for device in (self.idcard, self.scanner):
            if device is not None:
                try:
                    device.stop()
                except Exception:
                    log.exception("stopping a device failed")
        if self.printer is not None:
            try:
                self.printer.close()
            except Exception:
                log.exception("closing the printer failed")

    def printer_status(self) -> ev.PrinterReport:
        """Ask the printer (blocking; call from a worker)."""
        if self.printer is None:
            return ev.PrinterReport(False, "not_responding")
        try:
            s = self.printer.status()
        except Exception:
            return ev.PrinterReport(False, "not_responding")
        return ev.PrinterReport(s.clean, "" if s.clean else s.state)

    def _listener(self, name: str):
        table = device_event_table()

        def on_event(event) -> None:
            translate = table.get(type(event))
            number = getattr(getattr(event, "record", None), "id_number", None)
            if number and self.on_card is not None:
                self.on_card(number)  # the booking's hash of this card, before the flow compares it
            if translate is not None:
                self.events.post(translate(name, event))

        return on_event


def _create(kind: str, url: str, **options: Any) -> Any:
    from drivers.registry import create

    if url.strip() in ("", "none"):
        return None
    return create(kind, url, **options)
