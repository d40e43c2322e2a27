"""kiosk-sim scanner: a serial QR scanner on a pseudo-terminal.

The first line on stdout is the path to open. Every line on stdin is emitted as one scan (UTF-8 bytes
followed by the terminator, CR by default), paced at the baud rate. Lines starting with `!!` are control
commands, answered on stdout with `ok …` or `error …`:
    !!raw HEX            send raw bytes (e.g. noise, or a code with no terminator to test the idle flush)
    !!terminator T       cr | lf | crlf | none for the following scans
    !!vanish / !!reappear   the port disappears / comes back (`ok moved PATH`)
    !!quit               stop
End of stdin leaves the simulator running until it is interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

HELP = "QR scanner simulator on a pty: each stdin line is emitted as a scan ending with CR"


def configure(parser):
    import argparse

    parser.formatter_class, parser.epilog = argparse.RawDescriptionHelpFormatter, __doc__
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--terminator", choices=["cr", "lf", "crlf", "none"], default="cr")
    parser.add_argument("--no-timing", action="store_true", help="write at once, not paced at the baud rate")
    parser.add_argument("--link", metavar="PATH", help="also make PATH a stable symlink to the pty")


def command(sim, line: str) -> str | None:
    """Apply one stdin line; returns the answer for control lines, None for scans."""
    from drivers.common.pty_device import port_command
    from drivers.scanner.simulator import TERMINATORS

    line = line.rstrip("\r\n")
    if not line.startswith("!!"):
        sim.scan(line)
        return None
    verb, _, arg = line[2:].partition(" ")
    if (answer := port_command(sim, verb)) is not None:
        return answer
    try:
        if verb == "raw":
            sim.raw(bytes.fromhex(arg))
        elif verb == "terminator" and arg in TERMINATORS:
            sim.terminator = TERMINATORS[arg]
        else:
            return f"error unknown command: {line}"
    except ValueError as e:
        return f"error {e}"
    return "ok"


def run(args) -> int:
    from drivers.common.pty_device import serve_cli
    from drivers.scanner.simulator import ScannerSimulator
    from drivers.common.cli import EXIT_OK

    sim = ScannerSimulator(args.baud, args.terminator, not args.no_timing, args.link)
    serve_cli(sim, lambda line: command(sim, line), quit_line="!!quit")
    return EXIT_OK
