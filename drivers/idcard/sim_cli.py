"""kiosk-sim idcard: a SAM ID card reader on a pseudo-terminal.

The first line on stdout is the path to open (the pty, or --link PATH, a stable symlink to it). Then the
simulator reads control commands on stdin, one per line, and answers each with a line starting `ok` or
`error`:
    present FILE.json        put a card in the field (fixture format: tests/fixtures/cards/*.json)
    remove                   take it out (a read card must leave the field before it can be found again)
    fault garbage [N]        N noise bytes before the next reply (default 16)
    fault checksum           the next reply has a wrong CHK
    fault drop [N]           N bytes dropped from the middle of the next reply (default 3)
    fault half               only the first half of the next reply
    fault sw3 CODE [CMD]     the next reply (to command CMD, e.g. 3001) answers SW3 CODE (hex, e.g. 60)
    vanish                   the port disappears (like a pulled USB cable); `reappear` brings it back
                             (without --link the pty path changes: printed as `ok moved PATH`)
    status                   card, SAM and port state and counters, e.g.
                             ok card=yes found=no selected=no halted=no requests=12 faults_pending=0
                             port=attached baud=115200
    quit                     stop
End of stdin leaves the simulator running until it is interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

HELP = "SAM ID card reader simulator on a pty (--card FILE.json); stdin: present/remove/fault/vanish commands"


def configure(parser):
    import argparse

    parser.formatter_class, parser.epilog = argparse.RawDescriptionHelpFormatter, __doc__
    parser.add_argument("--card", metavar="FILE.json", help="card in the field at start (fixture JSON)")
    parser.add_argument("--baud", type=int, default=115200, help="modelled baud rate (default 115200)")
    parser.add_argument("--sam-delay-scale", type=float, default=1.0, help="scale the SAM processing delays")
    parser.add_argument("--no-timing", action="store_true", help="answer at once (no wire time, no SAM delay)")
    parser.add_argument("--link", metavar="PATH", help="also make PATH a stable symlink to the pty")


def command(sim, line: str) -> str:
    """Apply one control command; returns the answer line (also used by tests)."""
    from drivers.common.pty_device import port_command
    from drivers.idcard.sim_core import card_from_fixture

    words = line.split()
    if not words:
        return "ok"
    verb, rest = words[0], words[1:]
    if (answer := port_command(sim, verb)) is not None:
        return answer
    try:
        if verb == "present" and len(rest) == 1:
            sim.present(card_from_fixture(rest[0]))
        elif verb == "remove":
            sim.remove()
        elif verb == "fault" and rest:
            kind = rest[0]
            arg = int(rest[1], 16) if kind == "sw3" else (int(rest[1]) if len(rest) > 1 else None)
            cmd = None
            if kind == "sw3" and len(rest) > 2:
                cmd = (int(rest[2][:2], 16), int(rest[2][2:4], 16))
            sim.inject(kind, arg, cmd)
        elif verb == "status":
            return status_line(sim)
        else:
            return f"error unknown command: {line.strip()}"
    except (OSError, ValueError, KeyError, IndexError) as e:
        return f"error {e}"
    return "ok"


def status_line(sim) -> str:
    c = sim.core

    def yn(flag) -> str:
        return "yes" if flag else "no"

    return (
        f"ok card={yn(c.card)} found={yn(c.found)} selected={yn(c.selected)} halted={yn(c.halted)} "
        f"requests={c.request_count} faults_pending={c.pending_faults()} "
        f"port={'attached' if sim.attached else 'vanished'} baud={sim.baudrate}"
    )


def run(args) -> int:
    from drivers.common.pty_device import serve_cli
    from drivers.idcard.sim_core import card_from_fixture
    from drivers.idcard.simulator import IdCardSimulator
    from drivers.common.cli import EXIT_OK, UsageError

    try:
        card = card_from_fixture(args.card) if args.card else None
    except (OSError, ValueError) as e:
        raise UsageError(f"--card {args.card}: {e}") from None
    sim = IdCardSimulator(card, args.baud, args.sam_delay_scale, not args.no_timing, args.link)
    serve_cli(sim, lambda line: command(sim, line))
    return EXIT_OK
