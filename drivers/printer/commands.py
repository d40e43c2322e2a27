"""ESC/POS command builders: pure functions returning bytes (the subset the kiosk emits and the simulator reads)."""
from __future__ import annotations

ESC, GS, FS, DLE, LF = 0x1B, 0x1D, 0x1C, 0x10, 0x0A

ALIGN = {"left": 0, "center": 1, "right": 2}
QR_EC = {"L": 48, "M": 49, "Q": 50, "H": 51}
RASTER_MAX_ROWS = 255     # GS v 0 bands: many firmwares cap yH:yL, so tall images go in bands


def initialise() -> bytes:
    return bytes((ESC, 0x40))


def align(where: str) -> bytes:
    return bytes((ESC, 0x61, ALIGN[where]))


def bold(on: bool) -> bytes:
    return bytes((ESC, 0x45, 1 if on else 0))


def char_size(width: int, height: int) -> bytes:
    """GS ! n: width and height multipliers 1..8."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("character size multipliers are 1..8")
    return bytes((GS, 0x21, ((width - 1) << 4) | (height - 1)))


def chinese_on() -> bytes:
    return bytes((FS, 0x26))


def chinese_off() -> bytes:
    return bytes((FS, 0x2E))


def line_feed() -> bytes:
    return bytes((LF,))


def feed_lines(n: int) -> bytes:
    return bytes((ESC, 0x64, max(0, min(255, n))))


def cut(partial: bool = True, feed: int = 0) -> bytes:
    """GS V m n (m = 66 partial, 65 full): feed n dots past the cutter position, then cut."""
    return bytes((GS, 0x56, 66 if partial else 65, max(0, min(255, feed))))


def _qr_fn(fn: int, payload: bytes) -> bytes:
    size = len(payload) + 2
    return bytes((GS, 0x28, 0x6B, size & 0xFF, size >> 8, 0x31, fn)) + payload


def qr_native(data: str, module: int = 6, ec: str = "M") -> bytes:
    """GS ( k: model 2, module size, error correction level, store the data, print it."""
    if not 1 <= module <= 16:
        raise ValueError("QR module size is 1..16")
    raw = data.encode("utf-8")
    if len(raw) > 7089:
        raise ValueError("QR data too long")
    return (_qr_fn(0x41, bytes((0x32, 0x00)))       # 165: model 2
            + _qr_fn(0x43, bytes((module,)))        # 167: module size
            + _qr_fn(0x45, bytes((QR_EC[ec],)))     # 169: error correction
            + _qr_fn(0x50, b"\x30" + raw)           # 180: store
            + _qr_fn(0x51, b"\x30"))                # 181: print


def raster(bits: bytes, width_bytes: int, height: int) -> bytes:
    """GS v 0 m=0: a 1-bit image, row-major, MSB = leftmost dot, 1 = black; sent in bands of ≤ 255 rows."""
    if len(bits) != width_bytes * height:
        raise ValueError("raster data size does not match width × height")
    out = bytearray()
    for top in range(0, height, RASTER_MAX_ROWS):
        rows = min(RASTER_MAX_ROWS, height - top)
        out += bytes((GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8))
        out += bits[top * width_bytes:(top + rows) * width_bytes]
    return bytes(out)


def paper_sensor_query() -> bytes:
    """GS r 1: answered only after the print buffer is processed (not when stopped by paper end)."""
    return bytes((GS, 0x72, 0x01))
