"""kiosk-sim fingerprint: an R30x/AS608 fingerprint sensor on a pseudo-terminal.

The first line on stdout is the path to open (57600 baud modelled). Control commands on stdin:
    finger ID          a finger (any id) is on the glass      lift     no finger
    vanish / reappear  the port disappears / comes back       quit     stop
"""

from __future__ import annotations

HELP = "R30x/AS608 fingerprint sensor simulator on a pty; stdin: finger ID / lift"


def configure(parser):
    import argparse

    parser.formatter_class, parser.epilog = argparse.RawDescriptionHelpFormatter, __doc__
    parser.add_argument("--baud", type=int, default=57600)
    parser.add_argument("--link", metavar="PATH", help="also make PATH a stable symlink to the pty")


def command(sim, line: str) -> str:
    from drivers.common.pty_device import port_command

    words = line.split()
    if not words:
        return "ok"
    if (answer := port_command(sim, words[0])) is not None:
        return answer
    if words[0] == "finger" and len(words) == 2:
        sim.put_finger(words[1])
    elif words[0] == "lift":
        sim.put_finger(None)
    else:
        return f"error unknown command: {line.strip()}"
    return "ok"


def run(args) -> int:
    from drivers.fingerprint.simulator import FingerprintSimulator
    from drivers.common.pty_device import serve_cli
    from drivers.common.cli import EXIT_OK

    sim = FingerprintSimulator(args.baud, link_path=args.link)
    serve_cli(sim, lambda line: command(sim, line))
    return EXIT_OK
