"""Scanner bytes → payloads (pure). Codes end with CR, LF or CRLF; a code with no terminator is flushed after
an idle gap. Bytes are UTF-8 when they decode as such, else GB18030 (some Chinese scanners), else replaced."""

from __future__ import annotations

TERMINATORS = b"\r\n"


def decode_payload(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


class LineSplitter:
    def __init__(self, idle_flush_s: float = 0.15, max_len: int = 4096):
        self.idle_flush_s, self.max_len = idle_flush_s, max_len
        self._buf = bytearray()
        self._last_at = 0.0
        self._after_cr = False

    def feed(self, data: bytes, now: float) -> list[str]:
        out = []
        for b in data:
            if b == 0x0A and self._after_cr:  # the LF of a CRLF
                self._after_cr = False
                continue
            self._after_cr = b == 0x0D
            if b in TERMINATORS:
                out += self.flush()
            else:
                self._buf.append(b)
                if len(self._buf) >= self.max_len:  # runaway input with no terminator
                    out += self.flush()
        if data:
            self._last_at = now
        return out

    def flush_if_idle(self, now: float) -> list[str]:
        if self._buf and now - self._last_at >= self.idle_flush_s:
            return self.flush()
        return []

    def flush(self) -> list[str]:
        raw, self._buf = bytes(self._buf).strip(b"\x00 \t"), bytearray()
        return [decode_payload(raw)] if raw else []
