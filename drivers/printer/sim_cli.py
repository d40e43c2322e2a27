"""kiosk-sim printer: an ESC/POS receipt printer on a pseudo-terminal (and optionally TCP), rendering PNGs.

Line 1 of stdout: the pty path. With --tcp, line 2: tcp://127.0.0.1:PORT. Then one JSON object per event
(a receipt cut or abandoned) and per command. Commands on stdin (one per line):
  paper out | paper load [TICKETS] | paper runout LINES     cover open|close     offline on|off
  cutter jam|ok     mute on|off     garbage on|off     vanish | reappear     status     quit
Stdin at end of file: keeps running until interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

import json
import signal
import sys
import threading

HELP = "ESC/POS receipt printer simulator (pty, optional TCP 9100); renders each cut receipt to a PNG"

_FAULTS = {
    "cover": ("cover_open", "open", "close"),
    "offline": ("offline", "on", "off"),
    "cutter": ("cutter_jam", "jam", "ok"),
    "mute": ("mute", "on", "off"),
    "garbage": ("garbage", "on", "off"),
}


def configure(parser):
    parser.add_argument("--out", metavar="DIR", help="write receipt-NNNN.png here for each cut receipt")
    parser.add_argument("--tcp", type=int, metavar="PORT", help="also listen on 127.0.0.1:PORT (0 = any free)")
    parser.add_argument("--paper", type=int, default=1000, metavar="M", help="tickets on the roll (default 1000)")
    parser.add_argument("--near-end-after", type=int, metavar="N", help="near-end after N tickets (default M-20)")
    parser.add_argument("--paper-mm", type=int, choices=(58, 80), default=80)
    parser.add_argument("--link", metavar="PATH", help="also make a stable symlink to the pty here")


def apply_command(line: str, sim, device=None) -> dict:
    """One stdin command → a JSON-able answer (also used by the demo strip and tests)."""
    words = line.split()
    if not words:
        return {}
    verb, args = words[0].lower(), [w.lower() for w in words[1:]]
    try:
        if verb == "paper" and args[:1] == ["out"]:
            sim.pull_paper()
        elif verb == "paper" and args[:1] == ["load"]:
            sim.load_paper(int(args[1]) if len(args) > 1 else None)
        elif verb == "paper" and args[:1] == ["runout"] and len(args) > 1:
            sim.run_out_after(int(args[1]))
        elif verb in _FAULTS and args[:1] and args[0] in _FAULTS[verb][1:]:
            name, on_word, _ = _FAULTS[verb]
            sim.set_fault(name, args[0] == on_word)
        elif verb in ("vanish", "reappear") and device is not None:
            getattr(device, verb)()
        elif verb != "status":
            return {"ok": False, "error": f"unknown command '{line.strip()}'"}
    except (ValueError, IndexError) as e:
        return {"ok": False, "error": str(e)}
    return {"ok": True, "condition": sim.condition()}


def run(args) -> int:
    from drivers.printer.sim_core import PrinterSim
    from drivers.printer.simulator import PtyPrinter, TcpPrinter

    sim = PrinterSim(
        paper_mm=args.paper_mm, paper_tickets=args.paper, near_end_after=args.near_end_after, out_dir=args.out
    )
    device = PtyPrinter(sim, link_path=args.link)
    out_lock = threading.Lock()

    def say(obj) -> None:
        with out_lock:
            sys.stdout.write((obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)) + "\n")
            sys.stdout.flush()

    say(device.start())
    tcp = None
    if args.tcp is not None:
        tcp = TcpPrinter(sim, port=args.tcp)
        say(f"tcp://127.0.0.1:{tcp.start()}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def watch() -> None:
        seen = 0
        while not stop.wait(0.1):
            new, kept = sim.receipt_count - seen, list(sim.receipts)
            for r in kept[len(kept) - min(new, len(kept)) :]:
                say(
                    {
                        "event": "receipt",
                        "complete": r.complete,
                        "png": r.png or None,
                        "qr": r.qr_data,
                        "lines": len(r.text_lines),
                    }
                )
            seen += new

    threading.Thread(target=watch, name="sim-printer-watch", daemon=True).start()

    def commands() -> None:
        for line in sys.stdin:
            if line.strip().lower() in ("quit", "exit"):
                break
            answer = apply_command(line, sim, device)
            if answer:
                say(answer)
        else:
            return  # end of input: keep serving until a signal
        stop.set()

    threading.Thread(target=commands, name="sim-printer-stdin", daemon=True).start()
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if tcp:
            tcp.stop()
        device.stop()
    return 0
