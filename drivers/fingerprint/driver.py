"""R30x/AS608 sensor on a serial port (57600 8N1): capture a finger, extract its character file and upload it,
for the reader vendor's matcher to compare with the ID card's templates (matcher.py)."""

from __future__ import annotations

import time

from drivers.fingerprint import codec
from drivers.common.port_errors import port_errors
from kiosk.errors import DeviceError, DeviceNotFound, DeviceTimeout


class R30xSensor:
    def __init__(
        self,
        url: str,
        baudrate: int = 57600,
        address: int = codec.DEFAULT_ADDRESS,
        answer_timeout_s: float = 1.0,
    ):
        self.url, self.baudrate, self.address = url, baudrate, address
        self.answer_timeout_s = answer_timeout_s
        self._ser = None
        self._buf = bytearray()
        self.bad_packets = 0

    def _open(self):
        import serial

        if self._ser is None:
            try:
                self._ser = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=0.05)
            except port_errors() + (ValueError,) as e:
                raise DeviceNotFound("fingerprint", f"cannot open {self.url}: {e}") from None
        return self._ser

    def close(self) -> None:
        self._close_port()

    def _close_port(self) -> None:
        # Not close(): a subclass's close may shut down more than the port (the simulator adapter stops its pty).
        ser, self._ser = self._ser, None
        if ser is not None:
            try:
                ser.close()
            except Exception:  # a vanished port may refuse to close
                pass

    def command(self, instruction: int, params: bytes = b"") -> codec.Packet:
        """Send one command, return its ack (bad packets are counted and skipped until the timeout)."""
        ser = self._open()
        self._buf.clear()
        try:
            ser.reset_input_buffer()
            ser.write(codec.build_command(instruction, params, self.address))
            deadline = time.monotonic() + self.answer_timeout_s
            while time.monotonic() < deadline:
                self._buf += ser.read(max(1, ser.in_waiting))
                items = codec.split_stream(self._buf)
                for i, item in enumerate(items):
                    if isinstance(item, codec.PacketError):
                        self.bad_packets += 1
                        continue
                    packet = codec.parse_packet(item)
                    if packet.pid == codec.PID_ACK and packet.payload:
                        # data packets that came with the ack (UpChar) stay for the caller to read
                        self._buf[:0] = b"".join(x for x in items[i + 1 :] if isinstance(x, bytes))
                        return packet
        except port_errors() as e:
            self._close_port()
            raise DeviceNotFound("fingerprint", f"port vanished: {e}") from None
        raise DeviceTimeout("fingerprint", f"no answer to instruction {instruction:02X}")

    def capture_feature(self, timeout_s: float = 10.0, stop=None) -> bytes | None:
        """Wait for a finger (None if none came within timeout_s or `stop` was set), extract it into buffer 1
        and upload it (UpChar): the 512-byte character file, for the vendor matcher to compare with the card."""
        deadline = time.monotonic() + timeout_s
        while True:
            code = self.command(codec.GET_IMAGE).payload[0]
            if code == codec.ACK_OK:
                break
            if code != codec.ACK_NO_FINGER:
                raise DeviceError("fingerprint", f"get image: {codec.ACK_TEXT.get(code, hex(code))}")
            if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                return None
            time.sleep(0.05)
        code = self.command(codec.GEN_CHAR, b"\x01").payload[0]
        if code != codec.ACK_OK:
            raise DeviceError("fingerprint", f"extract: {codec.ACK_TEXT.get(code, hex(code))}")
        return self._upload(b"\x01")

    def _upload(self, buffer_id: bytes) -> bytes:
        ack = self.command(codec.UP_CHAR, buffer_id)
        if ack.payload[0] != codec.ACK_OK:
            raise DeviceError("fingerprint", f"upload: {codec.ACK_TEXT.get(ack.payload[0], hex(ack.payload[0]))}")
        data = bytearray()
        ser = self._open()
        deadline = time.monotonic() + self.answer_timeout_s
        try:
            while time.monotonic() < deadline:
                for item in codec.split_stream(self._buf):
                    if isinstance(item, codec.PacketError):
                        self.bad_packets += 1
                        raise DeviceError("fingerprint", "damaged data packet during upload")
                    packet = codec.parse_packet(item)
                    if packet.pid in (codec.PID_DATA, codec.PID_END):
                        data += packet.payload
                        if packet.pid == codec.PID_END:
                            return bytes(data[: codec.CHAR_FILE_SIZE])
                self._buf += ser.read(max(1, ser.in_waiting))
        except port_errors() as e:
            self._close_port()
            raise DeviceNotFound("fingerprint", f"port vanished: {e}") from None
        raise DeviceTimeout("fingerprint", "character file upload did not finish")


def factory(url: str, baudrate: int = 57600, **options) -> R30xSensor:
    return R30xSensor(url, baudrate=baudrate, **options)
