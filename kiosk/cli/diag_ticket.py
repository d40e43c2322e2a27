"""kiosk-diag ticket: write the exact ESC/POS bytes of a queue ticket (and optionally a PNG rendering)."""

from __future__ import annotations

from kiosk.cli.common import EXIT_OK, UsageError, emit_json

HELP = "write a queue ticket's ESC/POS bytes (--out FILE.bin) and optionally its rendering (--png FILE.png)"


def configure(parser):
    parser.add_argument("--number", required=True, help="queue number, e.g. A012 or 12")
    parser.add_argument("--business", required=True, help="marriage, divorce_application, ...")
    parser.add_argument("--office", required=True, metavar="CODE", help="office code, e.g. 441621")
    parser.add_argument("--out", required=True, metavar="FILE.bin")
    parser.add_argument("--png", metavar="FILE.png", help="also render the bytes through the printer simulator")
    parser.add_argument("--config", metavar="FILE", help="kiosk config (paper width, QR mode, policy)")
    parser.add_argument("--policy", help="policy name (default: the configured one)")
    parser.add_argument("--paper-mm", type=int, choices=(58, 80), help="default: printer.paper_width_mm")
    qr = parser.add_mutually_exclusive_group()
    qr.add_argument("--native-qr", dest="native_qr", action="store_true", default=None, help="GS ( k QR")
    qr.add_argument("--raster-qr", dest="native_qr", action="store_false", help="QR as a raster image")
    parser.add_argument("--ticket-id", help="default: OFFICE-YYYYMMDD-NUMBER")
    parser.add_argument("--issued-at", metavar="ISO", help="e.g. 2026-11-26T09:41 (default: now)")
    parser.add_argument("--waiting-ahead", type=int)
    parser.add_argument("--priority", action="store_true", help="appointment: served first")
    parser.add_argument(
        "--offline",
        action="store_true",
        default=None,
        help="mark offline (default: whether the number is in the offline range)",
    )
    parser.add_argument(
        "--party",
        action="append",
        default=[],
        metavar="NAME:ID",
        help="a party's name and ID number (printed masked); repeatable",
    )
    parser.add_argument("--json", action="store_true")


def run(args) -> int:
    from datetime import datetime
    from pathlib import Path

    from drivers.printer.render import ticket_bytes
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config, load_offices, load_policy
    from kiosk.domain.ticket import build_ticket, format_number, parse_number

    try:
        cfg = load_kiosk_config(args.config or DEFAULT_CONFIG)
        offices = load_offices()
        policy = load_policy(args.policy or cfg.kiosk.policy)
    except ConfigError as e:
        raise UsageError(str(e)) from None
    if args.office not in offices:
        raise UsageError(f"unknown office '{args.office}'; known: {sorted(offices)}")
    try:
        issued = datetime.fromisoformat(args.issued_at) if args.issued_at else datetime.now().replace(microsecond=0)
    except ValueError:
        raise UsageError(f"--issued-at '{args.issued_at}' is not an ISO date-time") from None
    parties = []
    for p in args.party:
        name, sep, idn = p.rpartition(":")
        if not sep or not name or not idn:
            raise UsageError(f"--party '{p}' is not NAME:ID")
        parties.append((name, idn))
    number = int(args.number) if args.number.isdigit() else args.number
    try:
        office = offices[args.office]
        prefix = office.tickets[args.business].prefix if args.business in office.tickets else ""
        default_id = f"{args.office}-{issued:%Y%m%d}-{format_number(prefix, parse_number(number, prefix))}"
        ticket = build_ticket(
            office=office,
            policy=policy,
            business=args.business,
            number=number,
            ticket_id=args.ticket_id or default_id,
            issued_at=issued,
            waiting_ahead=args.waiting_ahead,
            priority=args.priority,
            parties=parties,
            offline=args.offline,
        )
    except ValueError as e:
        raise UsageError(str(e)) from None
    paper = args.paper_mm or cfg.printer.paper_width_mm
    native = cfg.printer.native_qr if args.native_qr is None else args.native_qr
    data = ticket_bytes(ticket, paper, native)
    try:
        Path(args.out).write_bytes(data)
        png = render_png(data, paper, args.png) if args.png else None
    except OSError as e:
        raise UsageError(f"cannot write: {e}") from None
    summary = {
        "out": args.out,
        "bytes": len(data),
        "png": png,
        "number": ticket.number_text,
        "qr": ticket.qr_payload,
        "offline": ticket.offline,
        "paper_width_mm": paper,
        "native_qr": native,
    }
    if args.json:
        emit_json(summary)
    else:
        print(f"{args.out}: {len(data)} bytes, ticket {ticket.number_text}" + (f"; {png}" if png else ""))
    return EXIT_OK


def render_png(data: bytes, paper_mm: int, path: str) -> str:
    """Feed the bytes to the printer simulator (in-process) and save what it printed."""
    from drivers.printer.sim_core import PrinterSim

    sim = PrinterSim(paper_mm=paper_mm)
    sim.feed(data)
    if not sim.receipts:
        raise OSError("the simulator printed nothing")
    return sim.receipts[-1].save(path)
