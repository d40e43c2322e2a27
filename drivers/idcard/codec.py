"""The SAM reader's frame language (docs/devices/idcard.md), as pure functions. No I/O here; drivers move bytes.

Request:  AA AA AA 96 69 | LEN(2, BE) | CMD PARA | DATA | CHK
Response: AA AA AA 96 69 | LEN(2, BE) | SW1 SW2 SW3 | DATA | CHK
LEN counts every byte after itself, CHK included; CHK = XOR of every byte after the preamble except itself.
Everything here raises only the error types defined in this module (all kiosk.errors.DeviceError subclasses).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from kiosk.errors import DeviceError, ProtocolError

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_SIZE = 7  # preamble + LEN
MIN_REPLY_LEN = 4  # SW1 SW2 SW3 CHK
MAX_REPLY_LEN = 3 + 6 + 256 + 1024 + 1024 + 1 + 16  # read 30 10 with two templates, plus slack
DEVICE = "idcard"

# Commands as (CMD, PARA).
RESET_SAM = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
READ_SAM_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_TEXT_PHOTO = (0x30, 0x01)
READ_TEXT_PHOTO_FINGERPRINT = (0x30, 0x10)
READ_APPENDED_ADDRESS = (0x30, 0x03)
SET_BAUD = 0x60  # PARA 00..04 → BAUD_RATES[para]
SET_MAX_FRAME = (0x61, 0xFF)  # DATA: the most bytes the host takes in one frame (1 byte; 2 tolerated)
BAUD_RATES = (115200, 57600, 38400, 19200, 9600)

SW_SUCCESS, SW_FIND_OK, SW_ITEM_EMPTY, SW_NO_CARD = 0x90, 0x9F, 0x91, 0x80
STATUS_TEXT = {
    0x90: "success",
    0x9F: "find OK",
    0x91: "item empty",
    0x10: "checksum error",
    0x11: "length error",
    0x21: "command error",
    0x23: "not permitted",
    0x24: "unknown error",
    0x31: "card failed to authenticate SAM",
    0x32: "SAM failed to authenticate card",
    0x33: "verification error",
    0x40: "unknown card type",
    0x41: "read failed",
    0x47: "random number failed",
    0x60: "SAM self-test failed",
    0x66: "SAM not authorised",
    0x80: "find failed (no card)",
    0x81: "select failed",
}


class FrameError(ProtocolError):
    """Bytes that are not a valid frame; the reader discards them and retries."""

    def __init__(self, message: str):
        super().__init__(DEVICE, message)


class ChecksumError(FrameError):
    pass


class LengthError(FrameError):
    pass


class StatusError(DeviceError):
    """The reader answered a well-formed frame with a failure SW3."""

    def __init__(self, sw3: int, command: tuple[int, int] | None = None, sw1: int = 0, sw2: int = 0):
        self.sw1, self.sw2, self.sw3, self.command = sw1, sw2, sw3, command
        cmd = f" to {command[0]:02X} {command[1]:02X}" if command else ""
        super().__init__(DEVICE, f"SW3 {sw3:02X} ({STATUS_TEXT.get(sw3, 'undocumented')}){cmd}")


class NoCard(StatusError):
    """80 find failed / 81 select failed: no (readable) card in the field — a normal answer, not a fault."""


class ReaderRejected(StatusError):
    """10 11 21 23 24: the reader rejected the request itself (checksum, length, command, permission)."""


class CardAuthError(StatusError):
    """31 32 33 40 41 91: the card could not be authenticated or read; presenting it again usually helps."""


class SamError(StatusError):
    """47 60 66: the SAM module is unwell or unauthorised; a technician is needed if it persists."""


_STATUS_CLASS = {
    0x80: NoCard,
    0x81: NoCard,
    0x10: ReaderRejected,
    0x11: ReaderRejected,
    0x21: ReaderRejected,
    0x23: ReaderRejected,
    0x24: ReaderRejected,
    0x31: CardAuthError,
    0x32: CardAuthError,
    0x33: CardAuthError,
    0x40: CardAuthError,
    0x41: CardAuthError,
    0x91: CardAuthError,
    0x47: SamError,
    0x60: SamError,
    0x66: SamError,
}


@dataclass(frozen=True)
class Reply:
    sw1: int
    sw2: int
    sw3: int
    data: bytes

    def raise_for_status(self, command: tuple[int, int] | None = None, ok: int = SW_SUCCESS) -> "Reply":
        if self.sw3 != ok:
            raise _STATUS_CLASS.get(self.sw3, StatusError)(self.sw3, command, self.sw1, self.sw2)
        return self


def plausible(command: tuple[int, int], reply: Reply) -> bool:
    """Could this reply answer this command? (No sequence numbers: a late reply to an earlier request must
    not be taken for the answer to the current one.) Error SW3s are plausible for any command."""
    if command == FIND_CARD:
        return reply.sw3 != SW_SUCCESS and (reply.sw3 != SW_FIND_OK or len(reply.data) == 4)
    if reply.sw3 == SW_FIND_OK:
        return False
    if reply.sw3 != SW_SUCCESS:
        return True
    if command == SELECT_CARD:
        return len(reply.data) == 8
    if command in (READ_TEXT_PHOTO, READ_TEXT_PHOTO_FINGERPRINT):
        return len(reply.data) > 16
    if command == READ_SAM_ID:
        return len(reply.data) == 16
    return True


def checksum(body: bytes) -> int:
    """XOR of the bytes after the preamble (LEN included), CHK excluded."""
    return reduce(lambda a, b: a ^ b, body, 0)


def _frame(payload: bytes) -> bytes:
    body = (len(payload) + 1).to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([checksum(body)])


def build_request(command: tuple[int, int], data: bytes = b"") -> bytes:
    return _frame(bytes(command) + data)


def build_reply(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return _frame(bytes((sw1, sw2, sw3)) + data)


def _check_frame(frame: bytes, min_len: int) -> bytes:
    """The payload (between LEN and CHK) of a complete frame, or FrameError."""
    if len(frame) < HEADER_SIZE or frame[:5] != PREAMBLE:
        raise FrameError("frame does not start with the preamble")
    length = int.from_bytes(frame[5:7], "big")
    if length < min_len or length > MAX_REPLY_LEN:
        raise LengthError(f"LEN {length} out of range")
    if len(frame) != HEADER_SIZE + length:
        raise LengthError(f"frame has {len(frame)} bytes, LEN says {HEADER_SIZE + length}")
    if checksum(frame[5:-1]) != frame[-1]:
        raise ChecksumError(f"checksum {frame[-1]:02X}, expected {checksum(frame[5:-1]):02X}")
    return frame[7:-1]


def parse_reply(frame: bytes) -> Reply:
    payload = _check_frame(bytes(frame), MIN_REPLY_LEN)
    return Reply(payload[0], payload[1], payload[2], payload[3:])


def parse_request(frame: bytes) -> tuple[tuple[int, int], bytes]:
    """((CMD, PARA), DATA) of a request frame (the simulator's side)."""
    payload = _check_frame(bytes(frame), 3)
    return (payload[0], payload[1]), payload[2:]


def frame_size(header: bytes) -> int:
    """Total size of the frame whose 7-byte header this is, or LengthError if LEN is impossible."""
    length = int.from_bytes(header[5:7], "big")
    if length < 3 or length > MAX_REPLY_LEN:
        raise LengthError(f"LEN {length} out of range")
    return HEADER_SIZE + length


@dataclass(frozen=True)
class CardData:
    text: bytes
    photo: bytes
    fingerprints: bytes = b""


def parse_card_data(data: bytes) -> CardData:
    """Split a read (30 01 / 30 10) reply's DATA: text length, photo length, [fp length], then the blocks."""
    if len(data) < 4:
        raise LengthError("card data shorter than its length fields")
    text_len, photo_len = int.from_bytes(data[0:2], "big"), int.from_bytes(data[2:4], "big")
    pos, fp_len = 4, None
    if len(data) >= 6 + text_len + photo_len and len(data) != 4 + text_len + photo_len:
        fp_len, pos = int.from_bytes(data[4:6], "big"), 6
    end = pos + text_len + photo_len + (fp_len or 0)
    if end != len(data):
        raise LengthError(f"card data is {len(data)} bytes, its length fields say {end}")
    text = data[pos : pos + text_len]
    photo = data[pos + text_len : pos + text_len + photo_len]
    return CardData(text, photo, data[pos + text_len + photo_len : end])


def build_card_data(text: bytes, photo: bytes, fingerprints: bytes | None = None) -> bytes:
    head = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    if fingerprints is None:
        return head + text + photo
    return head + len(fingerprints).to_bytes(2, "big") + text + photo + fingerprints


class Deframer:
    """Splits a byte stream into frames: resynchronises on the preamble, counts what it throws away.

    `needed()` says how many bytes complete the next step (the 7-byte header, then LEN bytes), so a driver
    can read header-then-length. `feed()` returns complete frames and FrameErrors (already discarded).
    """

    def __init__(self):
        self._buf = bytearray()
        self.garbage_bytes = 0

    def needed(self) -> int:
        self._resync()
        if len(self._buf) < HEADER_SIZE:
            return HEADER_SIZE - len(self._buf)
        try:
            return max(1, frame_size(self._buf) - len(self._buf))
        except LengthError:
            return 1

    def pending(self) -> int:
        return len(self._buf)

    def clear(self) -> int:
        """Drop a partial frame (e.g. after a timeout); returns how many bytes were dropped."""
        dropped = len(self._buf)
        self._buf.clear()
        return dropped

    def _resync(self) -> None:
        i = self._buf.find(PREAMBLE)
        if i < 0:  # keep a tail that may be the start of a preamble
            keep = next((k for k in range(min(4, len(self._buf)), 0, -1) if PREAMBLE.startswith(self._buf[-k:])), 0)
            i = len(self._buf) - keep
        if i:
            self.garbage_bytes += i
            del self._buf[:i]

    def feed(self, data: bytes) -> list[bytes | FrameError]:
        self._buf += data
        out: list[bytes | FrameError] = []
        while True:
            self._resync()
            if len(self._buf) < HEADER_SIZE:
                return out
            try:
                size = frame_size(self._buf)
            except LengthError as e:
                out.append(e)
                self._drop_one()
                continue
            if len(self._buf) < size:
                return out
            frame = bytes(self._buf[:size])
            if checksum(frame[5:-1]) != frame[-1]:
                out.append(ChecksumError("checksum mismatch"))
                self._drop_one()  # a false preamble inside garbage must not swallow a real frame behind it
                continue
            del self._buf[:size]
            out.append(frame)

    def _drop_one(self) -> None:
        self.garbage_bytes += 1
        del self._buf[:1]
