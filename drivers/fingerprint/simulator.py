"""An R30x/AS608 sensor on a pseudo-terminal, and the in-process `sim://fingerprint` adapter.

State: a finger on the glass (an id, e.g. "441622…:right_index") or none. Answers GetImage (00 / 02 no finger),
GenChar (00 / 15 no image), UpChar (00, then the character file in 128-byte data packets, the last with PID 08; 15 without a feature), VfyPwd
(00 / 13); a packet with a bad checksum gets ack 01; anything else ack 01 too. The character file is the
simulators' record of the finger (drivers.idcard.sim_core.finger_record), which the stand-in matcher compares.
"""

from __future__ import annotations

from drivers.fingerprint import codec
from drivers.fingerprint.driver import R30xSensor
from drivers.common.pty_device import PtyDevice


class FingerprintSimulator(PtyDevice):
    def __init__(
        self, baudrate: int = 57600, model_timing: bool = True, link_path: str | None = None, password: int = 0
    ):
        super().__init__(baudrate, model_timing, link_path, name="fingerprint")
        self.finger: str | None = None
        self.password = password
        self._image: str | None = None
        self._char: str | None = None
        self._rx = bytearray()

    def put_finger(self, finger_id: str | None) -> None:
        self.call(lambda: setattr(self, "finger", finger_id))

    def on_receive(self, data: bytes) -> None:
        self._rx += data
        for item in codec.split_stream(self._rx):
            if isinstance(item, codec.PacketError):
                self.send(codec.build_ack(codec.ACK_PACKET_ERROR))
                continue
            packet = codec.parse_packet(item)
            if packet.pid == codec.PID_COMMAND and packet.payload:
                code, data = self.answer(packet.payload[0], packet.payload[1:])
                self.send(codec.build_ack(code, data, packet.address))
                if packet.payload[0] == codec.UP_CHAR and code == codec.ACK_OK:
                    self.send(self._char_file_packets(packet.address))

    def answer(self, instruction: int, params: bytes) -> tuple[int, bytes]:
        if instruction == codec.GET_IMAGE:
            self._image = self.finger
            return (codec.ACK_OK if self.finger else codec.ACK_NO_FINGER), b""
        if instruction == codec.GEN_CHAR:
            self._char = self._image
            return (codec.ACK_OK if self._image else codec.ACK_NO_IMAGE), b""
        if instruction == codec.UP_CHAR:
            return (codec.ACK_OK if self._char else codec.ACK_NO_IMAGE), b""
        if instruction == codec.VERIFY_PASSWORD:
            ok = params[:4] == self.password.to_bytes(4, "big")
            return (codec.ACK_OK if ok else 0x13), b""
        return codec.ACK_PACKET_ERROR, b""

    def _char_file_packets(self, address: int) -> bytes:
        from drivers.idcard.sim_core import finger_record

        holder, _, finger = (self._char or "").rpartition(":")
        data = finger_record(holder, finger)
        size = codec.DATA_PACKET_SIZE
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        return b"".join(
            codec.build_packet(codec.PID_END if i == len(chunks) - 1 else codec.PID_DATA, c, address)
            for i, c in enumerate(chunks)
        )


class SimulatedFingerprint(R30xSensor):
    """A real R30xSensor talking to an in-process simulator (`sim` is the handle); the pty opens on first use."""

    def __init__(self, model_timing: bool = False, **options):
        super().__init__("", **options)
        self.sim = FingerprintSimulator(self.baudrate, model_timing)

    def _open(self):
        self.url = self.sim.start_behind_link()  # idempotent: starts the pty once
        return super()._open()

    def close(self) -> None:
        super().close()
        self.sim.stop()


def factory(url: str = "sim://fingerprint", **options) -> SimulatedFingerprint:
    return SimulatedFingerprint(**options)
