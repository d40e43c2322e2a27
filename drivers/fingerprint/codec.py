"""R30x/AS608 fingerprint sensor packets (docs/devices/fingerprint.md), as pure functions.

EF 01 | ADDRESS(4) | PID (01 command, 02 data, 07 ack, 08 end) | LEN(2, BE) | payload | SUM(2, BE)
LEN counts payload + SUM; SUM = 16-bit sum of PID, the LEN bytes and the payload.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import ProtocolError

HEADER = b"\xef\x01"
DEFAULT_ADDRESS = 0xFFFFFFFF
PID_COMMAND, PID_DATA, PID_ACK, PID_END = 0x01, 0x02, 0x07, 0x08
GET_IMAGE, GEN_CHAR, UP_CHAR, VERIFY_PASSWORD = 0x01, 0x02, 0x08, 0x13
CHAR_FILE_SIZE = 512  # UpChar: the character file follows the ack in data packets (last PID 08)
DATA_PACKET_SIZE = 128
ACK_OK, ACK_PACKET_ERROR, ACK_NO_FINGER, ACK_NO_IMAGE = 0x00, 0x01, 0x02, 0x15
ACK_TEXT = {
    0x00: "ok",
    0x01: "packet receive error",
    0x02: "no finger",
    0x03: "image capture failed",
    0x06: "image too disorderly",
    0x07: "too few features",
    0x13: "wrong password",
    0x15: "no valid image in buffer",
}
HEADER_SIZE = 9  # EF 01, address, PID, LEN
MAX_LEN = 256 + 2


class PacketError(ProtocolError):
    def __init__(self, message: str):
        super().__init__("fingerprint", message)


@dataclass(frozen=True)
class Packet:
    pid: int
    payload: bytes
    address: int = DEFAULT_ADDRESS


def _sum(body: bytes) -> int:
    return sum(body) & 0xFFFF


def build_packet(pid: int, payload: bytes, address: int = DEFAULT_ADDRESS) -> bytes:
    body = bytes([pid]) + (len(payload) + 2).to_bytes(2, "big") + payload
    return HEADER + address.to_bytes(4, "big") + body + _sum(body).to_bytes(2, "big")


def build_command(instruction: int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return build_packet(PID_COMMAND, bytes([instruction]) + params, address)


def build_ack(code: int, data: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return build_packet(PID_ACK, bytes([code]) + data, address)


def parse_packet(frame: bytes) -> Packet:
    frame = bytes(frame)
    if len(frame) < HEADER_SIZE + 2 or frame[:2] != HEADER:
        raise PacketError("not a packet (header EF 01 missing or too short)")
    length = int.from_bytes(frame[7:9], "big")
    if length < 2 or length > MAX_LEN or len(frame) != HEADER_SIZE + length:
        raise PacketError(f"LEN {length} does not match {len(frame)} bytes")
    body, check = frame[6:-2], int.from_bytes(frame[-2:], "big")
    if _sum(body) != check:
        raise PacketError(f"checksum {check:04X}, expected {_sum(body):04X}")
    return Packet(frame[6], frame[9:-2], int.from_bytes(frame[2:6], "big"))


def packet_size(header: bytes | bytearray) -> int:
    length = int.from_bytes(header[7:9], "big")
    if length < 2 or length > MAX_LEN:
        raise PacketError(f"LEN {length} out of range")
    return HEADER_SIZE + length


def split_stream(buf: bytearray) -> list[bytes | PacketError]:
    """Take complete packets off the front of buf (resyncing on EF 01); leaves a partial packet in place."""
    out: list[bytes | PacketError] = []
    while True:
        i = buf.find(HEADER)
        if i < 0:
            del buf[: len(buf) - (1 if buf[-1:] == b"\xef" else 0)]
            return out
        del buf[:i]
        if len(buf) < HEADER_SIZE:
            return out
        try:
            size = packet_size(buf)
        except PacketError as e:
            out.append(e)
            del buf[:1]
            continue
        if len(buf) < size:
            return out
        frame = bytes(buf[:size])
        try:
            parse_packet(frame)
        except PacketError as e:
            out.append(e)
            del buf[:1]
            continue
        del buf[:size]
        out.append(frame)
