"""The simulated receipt printer: ESC/POS in, real-time status bytes out, a paper roll, faults on command.

Transport-free (the pty/TCP wrappers in simulator.py feed it bytes). Thread-safe: the handle methods and
feed() may be called from different threads.
Paper roll: near end after `near_end_after` cut tickets; holds `paper_tickets` tickets — the end of the roll is
felt when the next one starts printing; or `run_out_after(lines)` for a roll that ends mid-ticket.
While the printer is stopped (paper out, cover open, offline, cutter jam) it prints nothing but keeps what it
receives, as real printers do: the rest of an interrupted ticket (and anything after it) waits in its buffer
and comes out as soon as the cause is gone (paper loaded, cover closed, back online) — unless the host sent
DLE ENQ 2 (recover and clear the buffers) meanwhile. Real-time commands (DLE EOT n, DLE ENQ n) are answered or
carried out at once, stopped or not; everything else, GS r 1 included, waits its turn in the buffer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from drivers.printer import status as st
from drivers.printer.interpreter import Interpreter
from drivers.printer.fonts import LINE_GAP
from drivers.printer.receipt import Receipt

FEED_DOTS = 30
BUFFER_BYTES = 1 << 20  # what a stopped printer holds; beyond it data is lost (real ones raise BUSY first)
_PRINTING = {"text", "lf", "feed", "qr_print", "raster", "cut"}


@dataclass
class Faults:
    cover_open: bool = False
    offline: bool = False  # taken offline (e.g. the feed button held, or a firmware error)
    cutter_jam: bool = False
    mute: bool = False  # answers nothing at all (cable half-in, wrong baud rate)
    garbage: bool = False  # answers bytes that are not status bytes


KEEP_RECEIPTS = 20


class PrinterSim:
    def __init__(
        self,
        paper_mm: int = 80,
        paper_tickets: int = 1000,
        near_end_after: int | None = None,
        out_dir: str | Path | None = None,
    ):
        self.paper_dots = 576 if paper_mm == 80 else 384
        self.paper_tickets = paper_tickets
        self.near_end_after = near_end_after if near_end_after is not None else max(0, paper_tickets - 20)
        self.out_dir = Path(out_dir) if out_dir else None
        self.faults = Faults()
        self.cut_count = 0
        self.receipts: list[Receipt] = []  # the latest KEEP_RECEIPTS only (a demo kiosk prints all day)
        self.receipt_count = 0  # every receipt ever finished
        self.discarded_bytes = 0  # lost: arrived while stopped with the buffer full
        self.cleared_bytes = 0  # thrown away by DLE ENQ 2
        self.unknown_commands = 0
        self.render_errors = 0
        self._lines_left: int | None = None
        self._paper_out = paper_tickets <= 0
        self._held: list[tuple] = []  # commands received while stopped, in order
        self._held_bytes = 0
        self._outbox = bytearray()  # answers produced off the wire (GS r 1 on recovery)
        self.on_reply: Callable[[bytes], object] | None = None  # the transport wrapper sends them at once
        self._lock = threading.RLock()
        self._parser = Interpreter()
        self._reset_modes()
        self._receipt = Receipt(self.paper_dots)

    # --- handle: the demo strip, stdin commands and tests -------------------------------------------------------
    def load_paper(self, tickets: int | None = None, near_end_after: int | None = None) -> None:
        with self._lock:
            self.paper_tickets = self.cut_count + (tickets if tickets is not None else 1000)
            self.near_end_after = (
                self.cut_count + near_end_after
                if near_end_after is not None
                else max(self.cut_count, self.paper_tickets - 20)
            )
            self._paper_out, self._lines_left = False, None
            self._resume()

    def pull_paper(self) -> None:
        with self._lock:
            self._paper_out = True
            self._abandon()

    def run_out_after(self, lines: int) -> None:
        """The roll ends after this many more printed lines (mid-ticket)."""
        with self._lock:
            self._lines_left = lines

    def set_fault(self, name: str, on: bool = True) -> None:
        with self._lock:
            if not hasattr(self.faults, name):
                raise ValueError(f"unknown fault '{name}'; known: {list(vars(self.faults))}")
            setattr(self.faults, name, on)
            if on and self.stopped:
                self._abandon()
            self._resume()

    @property
    def paper_out(self) -> bool:
        return self._paper_out

    @property
    def buffered_bytes(self) -> int:
        """Bytes waiting in the buffer of a stopped printer (printed on recovery unless cleared)."""
        return self._held_bytes

    @property
    def near_end(self) -> bool:
        return not self._paper_out and self.cut_count >= self.near_end_after

    @property
    def stopped(self) -> bool:
        f = self.faults
        return self._paper_out or f.cover_open or f.offline or f.cutter_jam

    def condition(self) -> dict:
        f = self.faults
        return {
            "paper_out": self._paper_out,
            "near_end": self.near_end,
            "cover_open": f.cover_open,
            "offline": self.stopped,
            "cutter_error": f.cutter_jam,
            "error": f.cutter_jam,
            "unrecoverable_error": False,
            "autorecoverable_error": False,
            "feed_button": False,
            "mute": f.mute,
            "garbage": f.garbage,
            "tickets_cut": self.cut_count,
            "buffered_bytes": self._held_bytes,
        }

    def status_byte(self, n: int) -> int:
        c = self.condition()
        return st.encode(
            n,
            offline=c["offline"],
            cover_open=c["cover_open"],
            paper_out=c["paper_out"],
            error=c["error"],
            cutter_error=c["cutter_error"],
            near_end=c["near_end"],
        )

    # --- the wire ----------------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> bytes:
        """Bytes from the host → bytes the printer answers."""
        with self._lock:
            replies, self._outbox = self._outbox, bytearray()
            for action in self._parser.feed(data):
                replies += self._run(action)
            return bytes(replies)

    def _run(self, action: tuple) -> bytes:
        try:
            return self._act(action)
        except Exception:  # e.g. QR data over capacity: a real printer skips it, and so do we
            self.render_errors += 1
            return b""

    def _reset_modes(self) -> None:
        self.align, self.bold, self.size = "left", False, (1, 1)
        self.qr: dict[str, Any] = {"data": "", "module": 3, "ec": "M"}
        self._runs: list[tuple[str, int, int, bool]] = []
        self._line_align: str | None = None

    def _act(self, action: tuple) -> bytes:
        kind = action[0]
        if kind == "status":
            if self.faults.mute:
                return b""
            return b"\xff" if self.faults.garbage else bytes((self.status_byte(action[1]),))
        if kind == "recover":  # DLE ENQ n, real-time: 2 clears what a stopped printer still holds
            if action[1] == 2:
                self._clear_buffers()
            return b""
        if kind == "unknown":
            self.unknown_commands += 1
            return b""
        if not self.stopped and self.cut_count >= self.paper_tickets and kind in _PRINTING:
            self._paper_out = True  # the roll's end reaches the sensor as the next ticket starts
        if self.stopped:
            self._hold(action)
            return b""
        if kind == "sensor":  # GS r 1: answered in turn, i.e. once everything before it is printed
            if self.faults.mute:
                return b""
            return b"\x0f" if self._paper_out else b"\x03" if self.near_end else b"\x00"
        if kind == "init":
            self._reset_modes()
        elif kind == "align":
            self.align = action[1]
        elif kind == "bold":
            self.bold = action[1]
        elif kind == "size":
            self.size = (action[1], action[2])
        elif kind == "text":
            if self._line_align is None:
                self._line_align = self.align
            self._runs.extend((c, self.size[0], self.size[1], self.bold) for c in action[1])
        elif kind == "lf":
            if not self._print_line():
                self._hold(action)
        elif kind == "feed":
            if not (
                self._flush_line() and self._advance(lambda: self._receipt.add_feed(action[1] * FEED_DOTS), action[1])
            ):
                self._hold(action)
        elif kind == "qr_module":
            self.qr["module"] = max(1, min(16, action[1]))
        elif kind == "qr_ec":
            self.qr["ec"] = action[1]
        elif kind == "qr_store":
            self.qr["data"] = action[1]
        elif kind == "qr_print" and self.qr["data"]:
            qr = dict(self.qr)
            if not (
                self._flush_line()
                and self._advance(lambda: self._receipt.add_qr(qr["data"], qr["module"], qr["ec"], self.align), 1)
            ):
                self._hold(action)
        elif kind == "raster":
            _, wb, h, bits = action
            if not (
                self._flush_line()
                and self._advance(lambda: self._receipt.add_raster(wb, h, bits, self.align), max(1, h // 30))
            ):
                self._hold(action)
        elif kind == "cut":
            if not self._flush_line():
                self._hold(action)
            else:
                self._cut()
        return b""

    def _print_line(self) -> bool:
        runs, align = self._runs, self._line_align or self.align
        self._runs, self._line_align = [], None
        if runs:
            done = self._advance(lambda: self._receipt.add_text_line(runs, align), 1)
        else:
            done = self._advance(lambda: self._receipt.add_feed(FEED_DOTS), 1)
        if not done:  # the line stays in the print buffer
            self._runs, self._line_align = runs, align
        return done

    def _flush_line(self) -> bool:
        return self._print_line() if self._runs else True

    def _advance(self, draw, lines: int) -> bool:
        """Print `lines` lines' worth, unless the roll ends first: then the receipt is left incomplete, the
        printer stops, and False says the caller's command was not printed (it waits in the buffer)."""
        if self._lines_left is not None:
            if self._lines_left < lines:
                self._lines_left = None
                self._paper_out = True
                self._abandon()
                return False
            self._lines_left -= lines
        draw()
        return True

    # --- the buffer of a stopped printer -------------------------------------------------------------------
    def _hold(self, action: tuple) -> None:
        size = 2 + sum(len(a) if isinstance(a, (bytes, str)) else 1 for a in action[1:])  # ≈ bytes received
        if self._held_bytes + size > BUFFER_BYTES:
            self.discarded_bytes += size
            return
        self._held.append(action)
        self._held_bytes += size

    def _clear_buffers(self) -> None:
        """DLE ENQ 2: the receive and print buffers are emptied (what was already printed stays printed)."""
        self.cleared_bytes += self._held_bytes + len(self._runs)
        self._held, self._held_bytes = [], 0
        self._runs, self._line_align = [], None

    def _resume(self) -> None:
        """The cause of the stop is gone: print what was kept, in order (it may stop again part-way)."""
        if self.stopped or not self._held:
            return
        held, self._held, self._held_bytes = self._held, [], 0
        out = bytearray()
        for action in held:
            out += self._run(action)
        if out:
            if self.on_reply is not None:
                try:
                    self.on_reply(bytes(out))
                except OSError:
                    pass
            else:
                self._outbox += out

    def _abandon(self) -> None:
        """The printer stopped mid-receipt: what was printed stays on the paper, incomplete; the line being
        assembled stays in the print buffer."""
        if not self._receipt.empty:
            self._finish(complete=False)

    def _cut(self) -> None:
        if self.faults.cutter_jam:
            return
        self._receipt.add_feed(LINE_GAP)
        self._finish(complete=True)
        self.cut_count += 1

    def _finish(self, complete: bool) -> None:
        r = self._receipt
        r.complete = complete
        if self.out_dir:  # saved before it is listed: watchers see the PNG path with the receipt
            self.out_dir.mkdir(parents=True, exist_ok=True)
            name = f"receipt-{self.receipt_count + 1:04d}{'' if complete else '-incomplete'}.png"
            r.save(self.out_dir / name)
        self.receipts.append(r)
        self.receipt_count += 1
        if len(self.receipts) > KEEP_RECEIPTS:
            del self.receipts[: len(self.receipts) - KEEP_RECEIPTS]
        self._receipt = Receipt(self.paper_dots)
