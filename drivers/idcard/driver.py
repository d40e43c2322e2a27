"""The SAM ID card reader driver: a polling loop on its own thread, over any pyserial URL or device path.

Loop: find (20 01) → select (20 02) → read (30 01, or 30 10 when fingerprints are configured) → for a resident
card, its appended address (30 03: where the holder moved after the card was issued) → CardRead.
After a read the card is halted and find answers 80 until it leaves the field: that first 80 → CardRemoved.
Bad frames are retried inside the link; card-level failures (31–41) are retried on the next poll; a port that
vanishes or a reader that stops answering → ReaderFault, reconnect with backoff, ReaderRecovered.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

from drivers.idcard import codec
from drivers.idcard.link import SamLink
from drivers.idcard.port import CardRead, CardRemoved, EventSink, ReaderFault, ReaderRecovered
from drivers.common.worker import DeviceThread, deliver
from kiosk.domain.idcard_record import CardTextError, IdCardRecord, decode_text_block
from kiosk.errors import DeviceError, DeviceNotFound, DeviceTimeout, ProtocolError

log = logging.getLogger(__name__)
DEVICE = "idcard"


class IdCardDriver:
    def __init__(
        self,
        url: str,
        baudrate: int = 115200,
        read_fingerprints: bool = False,
        poll_interval_s: float = 0.15,
        backoff_s: tuple[float, float] = (0.25, 5.0),
        retries: int = 2,
        answer_timeout_s: float = 0.5,
    ):
        self.url = url
        self.read_fingerprints = read_fingerprints
        self.poll_interval_s = poll_interval_s
        self.backoff_s = backoff_s
        self.link = SamLink(url, baudrate, retries=retries, answer_timeout_s=answer_timeout_s)
        self.card_errors = 0  # SW3 failures while reading a card (retried on the next poll)
        self.reconnects = 0
        self._lock = threading.Lock()  # one conversation with the reader at a time
        self._worker = DeviceThread("idcard-reader")
        self._stop = self._worker.stopping
        self._card_was_read = False

    # --- port: start/stop and events -------------------------------------------------------------------
    def start(self, on_event: EventSink) -> None:
        self._worker.start(self._run, on_event)

    def stop(self) -> None:
        self._worker.stop()
        self.link.close()

    def _run(self, on_event: EventSink) -> None:
        # None until the device first answers or fails: then its state is said either way (up at start
        # shows as working on the technician's page, not "unknown" until a first fault)
        faulted: bool | None = None
        delay = self.backoff_s[0]
        while not self._stop.is_set():
            try:
                with self._lock:
                    self._ensure_open()
                    event = self._poll()
                if faulted is not False:
                    faulted, delay = False, self.backoff_s[0]
                    deliver(on_event, ReaderRecovered())
                if event is not None:
                    deliver(on_event, event)
                self._stop.wait(self.poll_interval_s)
            except (DeviceNotFound, DeviceTimeout, codec.SamError) as e:
                self.link.close()
                if faulted is not True:
                    faulted = True
                    log.warning("idcard fault: %s", e)
                    deliver(on_event, ReaderFault(str(e)))
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_s[1])
                self.reconnects += 1
            except DeviceError as e:  # bad frames past retries, a card that failed to read: try again
                self.card_errors += 1
                log.info("idcard read retried: %s", e)
                self._stop.wait(self.poll_interval_s)
            except Exception:  # the reader thread must never die; a bug here is logged and the loop goes on
                log.exception("idcard loop error")
                self._stop.wait(self.poll_interval_s)

    def _ensure_open(self) -> None:
        if not self.link.is_open:
            self.link.open()

    def _poll(self):
        """One find; on a card, select and read. Returns the event to deliver, if any."""
        find = self.link.transact(codec.FIND_CARD)
        if find.sw3 in (codec.SW_NO_CARD, 0x81):
            if self._card_was_read:
                self._card_was_read = False
                return CardRemoved()
            return None
        find.raise_for_status(codec.FIND_CARD, ok=codec.SW_FIND_OK)
        record = self._select_and_read()
        self._card_was_read = True
        return CardRead(record)

    def _select_and_read(self) -> IdCardRecord:
        self.link.transact(codec.SELECT_CARD).raise_for_status(codec.SELECT_CARD)
        command = codec.READ_TEXT_PHOTO_FINGERPRINT if self.read_fingerprints else codec.READ_TEXT_PHOTO
        reply = self.link.transact(command).raise_for_status(command)
        data = codec.parse_card_data(reply.data)
        try:
            record = decode_text_block(data.text, data.photo, data.fingerprints)
        except CardTextError as e:
            raise ProtocolError(DEVICE, f"card text: {e}") from None
        if record.card_type != "resident_id":
            return record
        return replace(record, appended_address=self._appended_address())

    def _appended_address(self) -> str:
        """30 03 right after a read: the address written later by the police station ('' when none, SW3 91)."""
        reply = self.link.transact(codec.READ_APPENDED_ADDRESS)
        if reply.sw3 == codec.SW_ITEM_EMPTY:
            return ""
        reply.raise_for_status(codec.READ_APPENDED_ADDRESS)
        try:
            return reply.data.decode("utf-16-le").rstrip(" ")
        except UnicodeDecodeError:
            raise codec.FrameError("appended address is not UCS-2") from None

    # --- synchronous use (kiosk-diag) --------------------------------------------------------------------
    def read_once(self, timeout_s: float = 10.0) -> IdCardRecord:
        """Wait up to timeout_s for a card and read it. Raises DeviceTimeout (no card), DeviceError otherwise."""
        deadline = time.monotonic() + timeout_s
        last: Exception | None = None
        with self._lock:
            self._ensure_open()
            while time.monotonic() < deadline:
                try:
                    find = self.link.transact(codec.FIND_CARD)
                    if find.sw3 == codec.SW_FIND_OK:
                        return self._select_and_read()
                    find.raise_for_status(codec.FIND_CARD, ok=codec.SW_FIND_OK)
                except codec.NoCard:
                    pass
                except codec.SamError:
                    raise
                except (codec.StatusError, ProtocolError) as e:
                    last = e
                    self.card_errors += 1
                time.sleep(min(self.poll_interval_s, max(0.0, deadline - time.monotonic())))
        if last is not None:
            raise last
        raise DeviceTimeout(DEVICE, f"no card presented within {timeout_s:g} s")

    def set_baudrate(self, baudrate: int) -> None:
        """60 xx: switch the reader (and this port) to one of 115200/57600/38400/19200/9600."""
        if baudrate not in codec.BAUD_RATES:
            raise ValueError(f"baud rate must be one of {codec.BAUD_RATES}")
        command = (codec.SET_BAUD, codec.BAUD_RATES.index(baudrate))
        with self._lock:
            self._ensure_open()
            self.link.transact(command).raise_for_status(command)
            self.link.set_baudrate(baudrate)

    def sam_id(self) -> str:
        """The SAM ID as printed on the module label (dotted decimal of the 16 data bytes), SW3 checked."""
        with self._lock:
            self._ensure_open()
            reply = self.link.transact(codec.READ_SAM_ID).raise_for_status(codec.READ_SAM_ID)
        return format_sam_id(reply.data)

    def sam_status(self) -> dict:
        with self._lock:
            self._ensure_open()
            reply = self.link.transact(codec.SAM_STATUS)
        return {
            "sw1": reply.sw1,
            "sw2": reply.sw2,
            "sw3": f"{reply.sw3:02X}",
            "ok": reply.sw3 == codec.SW_SUCCESS,
            "status": codec.STATUS_TEXT.get(reply.sw3, "undocumented"),
        }

    def close(self) -> None:
        self.stop()


def format_sam_id(data: bytes) -> str:
    """SAM ID bytes → the label form '05.01-20101216-0000118907-1712069583' (*unverified* grouping: 2+2
    little-endian 16-bit, 4-byte LE ×3). Shorter/odd data falls back to hex."""
    if len(data) < 16:
        return data.hex().upper()
    le = lambda b: int.from_bytes(b, "little")  # noqa: E731
    return f"{le(data[0:2]):02d}.{le(data[2:4]):02d}-{le(data[4:8]):08d}-{le(data[8:12]):010d}-{le(data[12:16]):010d}"


def factory(url: str, baudrate: int = 115200, read_fingerprints: bool = False, **options) -> IdCardDriver:
    options.pop("wlt_library", None)
    return IdCardDriver(url, baudrate=baudrate, read_fingerprints=read_fingerprints, **options)
