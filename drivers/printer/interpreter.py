"""An incremental ESC/POS parser: bytes in (any chunking), actions out. Never raises on bad bytes.

Understands the subset the kiosk emits plus the real-time commands: ESC @, ESC a, ESC E, ESC d, ESC !, ESC t,
GS !, FS &, FS ., LF, GS ( k (QR functions 165/167/169/180/181), GS v 0, GS V, DLE EOT n, DLE ENQ n, GS r n.
Anything else is reported as ("unknown", bytes) and skipped (a lone ESC/GS/FS/DLE with its next byte).
Text: in Chinese mode (FS &) bytes are GB18030; outside it, bytes ≥ 0x80 print as '?' (code pages not modelled).
"""

from __future__ import annotations

from typing import Any

MAX_RASTER_BYTES = 1 << 20  # a bigger GS v 0 header is garbage, not an image
_PARAMS = {
    (0x1B, 0x40): 0,
    (0x1B, 0x61): 1,
    (0x1B, 0x45): 1,
    (0x1B, 0x64): 1,
    (0x1B, 0x21): 1,
    (0x1D, 0x21): 1,
    (0x1C, 0x26): 0,
    (0x1C, 0x2E): 0,
    (0x10, 0x04): 1,
    (0x10, 0x05): 1,
    (0x1D, 0x72): 1,
    (0x1B, 0x74): 1,
}


class Interpreter:
    def __init__(self) -> None:
        self.buf = bytearray()
        self.chinese = False

    def feed(self, data: bytes) -> list[tuple]:
        self.buf += data
        actions: list[tuple] = []
        while self.buf:
            used = self._one(actions)
            if used == 0:  # an incomplete command: wait for more bytes
                break
            del self.buf[:used]
        return actions

    def _one(self, out: list) -> int:
        b = self.buf
        c = b[0]
        if c == 0x0A:
            out.append(("lf",))
            return 1
        if c in (0x1B, 0x1D, 0x1C, 0x10):
            return self._command(out)
        if c < 0x20:  # CR and other controls: ignored, as printers do
            return 1
        return self._text(out)

    def _text(self, out: list) -> int:
        b = self.buf
        i = 0
        while i < len(b) and b[i] >= 0x20 and b[i] not in (0x1B, 0x1D, 0x1C, 0x10):
            if self.chinese and b[i] >= 0x81:
                if i + 1 < len(b) and b[i + 1] < 0x30:  # a lone lead byte: never swallow a control
                    i += 1
                    continue
                n = 4 if i + 1 < len(b) and 0x30 <= b[i + 1] <= 0x39 else 2
                if i + n > len(b):
                    if i == 0:
                        return 0 if len(b) < 4 else 1
                    break
                i += n
            else:
                i += 1
        raw = bytes(b[:i])
        if self.chinese:
            text = raw.decode("gb18030", errors="replace")
        else:
            text = "".join(chr(x) if x < 0x80 else "?" for x in raw)
        out.append(("text", text))
        return i

    def _command(self, out: list) -> int:
        b = self.buf
        if len(b) < 2:
            return 0
        key = (b[0], b[1])
        if key == (0x1D, 0x28):
            return self._gs_paren(out)
        if key == (0x1D, 0x76):
            return self._raster(out)
        if key == (0x1D, 0x56):
            if len(b) < 3:
                return 0
            if b[2] in (65, 66):
                if len(b) < 4:
                    return 0
                out.append(("cut", b[2] == 66))
                return 4
            out.append(("cut", b[2] in (1, 49)))
            return 3
        if key not in _PARAMS:
            out.append(("unknown", bytes(b[:2])))
            return 2
        n = _PARAMS[key]
        if len(b) < 2 + n:
            return 0
        arg: Any = b[2] if n else None  # None only for the commands that take no argument
        if key == (0x1B, 0x40):
            self.chinese = False
            out.append(("init",))
        elif key == (0x1B, 0x61):
            out.append(
                ("align", {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}.get(arg, "left"))
            )
        elif key == (0x1B, 0x45):
            out.append(("bold", bool(arg & 1)))
        elif key == (0x1B, 0x64):
            out.append(("feed", arg))
        elif key == (0x1B, 0x21):
            out.append(("size", 2 if arg & 0x20 else 1, 2 if arg & 0x10 else 1))
            out.append(("bold", bool(arg & 0x08)))
        elif key == (0x1D, 0x21):
            out.append(("size", ((arg >> 4) & 7) + 1, (arg & 7) + 1))
        elif key == (0x1C, 0x26):
            self.chinese = True
            out.append(("chinese", True))
        elif key == (0x1C, 0x2E):
            self.chinese = False
            out.append(("chinese", False))
        elif key == (0x10, 0x04):
            out.append(("status", arg) if arg in (1, 2, 3, 4) else ("unknown", bytes(b[:3])))
        elif key == (0x10, 0x05):
            out.append(("recover", arg) if arg in (1, 2) else ("unknown", bytes(b[:3])))
        elif key == (0x1D, 0x72):
            out.append(("sensor", arg))
        elif key == (0x1B, 0x74):
            out.append(("codepage", arg))
        return 2 + n

    def _gs_paren(self, out: list) -> int:
        b = self.buf
        if len(b) < 5:
            return 0
        size = b[3] | (b[4] << 8)
        if len(b) < 5 + size:
            return 0
        body = bytes(b[5 : 5 + size])
        if b[2] != 0x6B or size < 2 or body[0] != 0x31:
            out.append(("unknown", bytes(b[: 5 + size])))
            return 5 + size
        fn, args = body[1], body[2:]
        if fn == 0x41 and args:
            out.append(("qr_model", args[0]))
        elif fn == 0x43 and args:
            out.append(("qr_module", args[0]))
        elif fn == 0x45 and args:
            out.append(("qr_ec", {48: "L", 49: "M", 50: "Q", 51: "H"}.get(args[0], "M")))
        elif fn == 0x50 and args:
            out.append(("qr_store", args[1:].decode("utf-8", errors="replace")))
        elif fn == 0x51:
            out.append(("qr_print",))
        else:
            out.append(("unknown", bytes(b[: 5 + size])))
        return 5 + size

    def _raster(self, out: list) -> int:
        b = self.buf
        if len(b) < 8:
            return 0
        if b[2] not in (0x30, 0x00):
            out.append(("unknown", bytes(b[:3])))
            return 3
        width_bytes, height = b[4] | (b[5] << 8), b[6] | (b[7] << 8)
        size = width_bytes * height
        if size > MAX_RASTER_BYTES or width_bytes == 0:
            out.append(("unknown", bytes(b[:8])))
            return 8
        if len(b) < 8 + size:
            return 0
        out.append(("raster", width_bytes, height, bytes(b[8 : 8 + size])))
        return 8 + size
