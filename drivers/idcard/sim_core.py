"""The simulated SAM reader's state and answers: bytes in, reply frames out. No I/O, no clock.

Semantics modelled on real readers (docs/devices/idcard.md): find → select → read; after a read the card is halted and
find answers 80 until it has left the field (remove, then present again). Faults are queued one-shot and
applied to the next reply (or the next reply to a given command): garbage before it, a bad checksum, bytes
dropped from its middle, only its first half, or a failure SW3 in place of the real answer.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.idcard import codec
from kiosk.domain.idcard_record import IdCardRecord, encode_text_block, record_from_fields

PHOTO_SIZE = 1024
TEMPLATE_SIZE = 512
DEFAULT_SAM_ID = bytes.fromhex("0500010020D1320186F5000001A72C66")
# SAM processing time per command (CMD, or CMD PARA where they differ), seconds (typical of desk readers; scaled
# by the simulator's sam_delay_scale). The appended address is one short item, not the whole card.
SAM_DELAY_S: dict[int | tuple[int, int], float] = {
    0x10: 0.05,
    0x11: 0.005,
    0x12: 0.005,
    0x20: 0.01,
    0x30: 0.35,
    (0x30, 0x03): 0.03,
    0x60: 0.005,
    0x61: 0.005,
}


def sam_delay_s(command: tuple[int, int]) -> float:
    return SAM_DELAY_S.get(command, SAM_DELAY_S.get(command[0], 0.005))


@dataclass(frozen=True)
class SimCard:
    record: IdCardRecord = field(repr=False)  # its appended_address answers 30 03

    @property
    def text(self) -> bytes:
        return encode_text_block(self.record)


FINGERS = ("right_index", "left_index")


def finger_record(holder: str, finger: str) -> bytes:
    """The simulators' 512-byte stand-in for a fingerprint template or a sensor's character file: "SFPT", then
    whose finger it is (60 bytes), then filler. Real templates are the vendor's and are never made here."""
    name = f"{holder}:{finger}".encode("ascii", "replace")[:60]
    return (b"SFPT" + name.ljust(60, b"\0") + _filler("fp" + holder + finger, TEMPLATE_SIZE))[:TEMPLATE_SIZE]


def _filler(seed: str, size: int) -> bytes:
    out = b""
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{len(out)}".encode()).digest()
    return out[:size]


def card_from_fixture(data: dict | str | Path) -> SimCard:
    """A card from fixture JSON (the `kiosk-diag idcard read --reveal` fields, plus optional `photo_base64`,
    `fingerprint_templates` (0–2), `fingerprint_fingers` (which fingers, default right then left index) and
    `appended_address`). Without a photo, 1024 deterministic bytes stand in (no decoder can read them). Templates
    are simulator records (see `finger_record`) that the stand-in matcher library understands."""
    fields: dict[str, Any] = data if isinstance(data, dict) else json.loads(Path(data).read_text(encoding="utf-8"))
    seed = str(fields.get("id_number", ""))
    photo = (
        base64.b64decode(fields["photo_base64"]) if fields.get("photo_base64") else _filler("photo" + seed, PHOTO_SIZE)
    )
    count = max(0, min(2, int(fields.get("fingerprint_templates", 0) or 0)))
    fingers = list(fields.get("fingerprint_fingers") or FINGERS)[:count]
    fingerprints = b"".join(finger_record(seed, f) for f in fingers)
    card = SimCard(record_from_fields(fields, photo, fingerprints))
    card.text  # noqa: B018 — refuse a card that cannot be encoded now, not on the simulator thread later
    return card


class SamSimulator:
    def __init__(self, card: SimCard | None = None, sam_id: bytes = DEFAULT_SAM_ID, seed: int = 0):
        self.card = card
        self.sam_id = sam_id
        self.halted = False  # read done; find answers 80 until the card leaves the field
        self.found = False
        self.selected = False
        # The latest requests only: the reader polls several times a second all day (demo mode, soak).
        self.requests: deque[tuple[int, int]] = deque(maxlen=256)
        self.request_count = 0
        self.baudrate_change: int | None = None  # set by 60 xx; the transport applies it after replying
        self.max_frame: int | None = None  # set by 61 FF
        self._faults: deque[tuple[str, object, tuple[int, int] | None]] = deque()
        self._rx = codec.Deframer()
        self._rand = seed or 0x5EED

    # --- the card in the field ----------------------------------------------------------------------------
    def present(self, card: SimCard) -> None:
        self.card, self.halted, self.found, self.selected = card, False, False, False

    def remove(self) -> None:
        self.card, self.halted, self.found, self.selected = None, False, False, False

    # --- fault injection -----------------------------------------------------------------------------------
    def inject(self, kind: str, arg: object = None, command: tuple[int, int] | None = None) -> None:
        """kind: garbage (arg = byte count), checksum, drop (arg = byte count), half, sw3 (arg = status code)."""
        if kind not in ("garbage", "checksum", "drop", "half", "sw3"):
            raise ValueError(f"unknown fault '{kind}'")
        self._faults.append((kind, arg, command))

    def pending_faults(self) -> int:
        return len(self._faults)

    def _take_fault(self, command: tuple[int, int]):
        for i, f in enumerate(self._faults):
            if f[2] is None or f[2] == command:
                del self._faults[i]
                return f
        return None

    def _noise(self, n: int) -> bytes:
        out = bytearray()
        for _ in range(n):  # xorshift: repeatable noise, never the full preamble by construction below
            self._rand ^= (self._rand << 13) & 0xFFFFFFFF
            self._rand ^= self._rand >> 17
            self._rand ^= (self._rand << 5) & 0xFFFFFFFF
            out.append(self._rand & 0xFF)
        return bytes(out).replace(b"\xaa", b"\x55")

    # --- bytes in, replies out -------------------------------------------------------------------------------
    def receive(self, data: bytes) -> list[tuple[tuple[int, int] | None, bytes]]:
        """Feed bytes from the host; returns (command, reply bytes) for each complete request."""
        out: list[tuple[tuple[int, int] | None, bytes]] = []
        for item in self._rx.feed(data):
            if isinstance(item, codec.ChecksumError):
                out.append((None, codec.build_reply(0x10)))
            elif isinstance(item, codec.FrameError):
                out.append((None, codec.build_reply(0x11)))
            else:
                command, payload = codec.parse_request(item)
                fault = self._take_fault(command)
                if fault is not None and fault[0] == "sw3":  # the SAM failed: no state change
                    self.requests.append(command)
                    self.request_count += 1
                    out.append((command, codec.build_reply(int(fault[1]))))
                else:
                    out.append((command, self._faulted(fault, self.answer(command, payload))))
        return out

    def _faulted(self, fault, reply: bytes) -> bytes:
        """Damage on the wire: the device did its work, the host gets broken bytes."""
        if fault is None:
            return reply
        kind, arg, _ = fault
        if kind == "garbage":
            return self._noise(int(arg or 16)) + reply
        if kind == "checksum":
            return reply[:-1] + bytes([reply[-1] ^ 0x5A])
        if kind == "drop":
            n = int(arg or 3)
            mid = max(7, len(reply) // 2)
            return reply[:mid] + reply[mid + n :]
        return reply[: max(3, len(reply) // 2)]  # half

    def answer(self, command: tuple[int, int], data: bytes = b"") -> bytes:
        self.requests.append(command)
        self.request_count += 1
        cmd, para = command
        if command == codec.RESET_SAM:
            self.found = self.selected = False
            return codec.build_reply(codec.SW_SUCCESS)
        if command == codec.SAM_STATUS:
            return codec.build_reply(codec.SW_SUCCESS)
        if command == codec.READ_SAM_ID:
            return codec.build_reply(codec.SW_SUCCESS, self.sam_id)
        if command == codec.FIND_CARD:
            self.found = self.card is not None and not self.halted
            self.selected = False
            return codec.build_reply(codec.SW_FIND_OK, bytes(4)) if self.found else codec.build_reply(0x80)
        if command == codec.SELECT_CARD:
            self.selected = self.found
            return codec.build_reply(codec.SW_SUCCESS, bytes(8)) if self.selected else codec.build_reply(0x81)
        if command in (codec.READ_TEXT_PHOTO, codec.READ_TEXT_PHOTO_FINGERPRINT):
            if self.card is None or not (self.selected or self.halted):
                return codec.build_reply(0x41)
            self.halted = True  # the card must leave the field before it can be found again
            r = self.card.record
            fp = r.fingerprints if command == codec.READ_TEXT_PHOTO_FINGERPRINT else None
            return codec.build_reply(codec.SW_SUCCESS, codec.build_card_data(self.card.text, r.photo, fp))
        if command == codec.READ_APPENDED_ADDRESS:
            if self.card is None or not (self.selected or self.halted):
                return codec.build_reply(0x41)
            if not self.card.record.appended_address:
                return codec.build_reply(codec.SW_ITEM_EMPTY)
            raw = (self.card.record.appended_address + " " * 35)[:35].encode("utf-16-le")
            return codec.build_reply(codec.SW_SUCCESS, raw)
        if cmd == codec.SET_BAUD:
            if para >= len(codec.BAUD_RATES):
                return codec.build_reply(0x21)
            self.baudrate_change = codec.BAUD_RATES[para]
            return codec.build_reply(codec.SW_SUCCESS)
        if command == codec.SET_MAX_FRAME:  # acknowledged like a SAM module; replies are not split here
            if len(data) > 2:
                return codec.build_reply(0x11)
            if data:
                self.max_frame = int.from_bytes(data, "big")
            return codec.build_reply(codec.SW_SUCCESS)
        return codec.build_reply(0x21)
