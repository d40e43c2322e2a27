"""kiosk-diag printer: real-time status (DLE EOT 1–4) and a test page on any printer URL."""

from __future__ import annotations

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "receipt printer: `printer status --port URL` (DLE EOT 1-4) and `printer test --port URL` (test page)"


def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("status", "read the printer's real-time status"), ("test", "print a test page")):
        p = sub.add_parser(name, help=text)
        p.add_argument(
            "--port",
            required=True,
            metavar="URL",
            help="/dev/ttyUSB0, a pty, socket://h:p, tcp://h:9100, usb://VID:PID, FILE, sim://printer",
        )
        p.add_argument("--config", metavar="FILE", help="kiosk config (paper width, QR mode, job age)")
        p.add_argument("--timeout", type=float, default=0.5, help="seconds to wait for each status byte")
        p.add_argument("--json", action="store_true")


def test_page_bytes(paper_mm: int, native_qr: bool, when: str) -> bytes:
    from drivers.printer.layout import Feed, Line, Qr, columns
    from drivers.printer.render import lines_bytes

    cols = columns(paper_mm)
    lines = [
        Line("打印测试 Printer test", "center", 2, True),
        Line("-" * cols),
        Line(f"时间 Time: {when}"),
        Line(f"纸宽 Paper: {paper_mm} mm, {cols} columns"),
        Line("中文：婚姻登记处（GB2312）"),
        Line("生僻字 Rare: 䶮 堃 喆 (raster)"),
        Line("1234567890" * (cols // 10)),
        Line("居中 Centre", "center"),
        Line("右 Right", "right"),
        Line("TEST", "center", 4, True),
        Feed(1),
        Qr("TK1:000000:00000000:T000:printer-test", 6),
        Line("QR: TK1 test payload", "center"),
    ]
    return lines_bytes(lines, paper_mm, native_qr)


def run(args) -> int:
    import time
    from datetime import datetime

    from drivers.printer.port import PrintJob
    from drivers.registry import create
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config
    from kiosk.errors import DeviceError

    try:
        cfg = load_kiosk_config(args.config or DEFAULT_CONFIG).printer
    except ConfigError as e:
        raise UsageError(str(e)) from None
    try:
        printer = create(
            "printer",
            args.port,
            paper_width_mm=cfg.paper_width_mm,
            native_qr=cfg.native_qr,
            max_job_age_s=cfg.max_job_age_s,
            status_timeout_s=args.timeout,
        )
    except DeviceError as e:
        raise UsageError(str(e)) from None
    except ValueError as e:
        raise UsageError(str(e)) from None
    try:
        if args.action == "status":
            s = printer.status()
            report = {"ok": s.clean, "port": args.port, **s.as_dict()}
            if not s.clean:
                report["reason"] = s.state
            ok = s.clean
        else:
            data = test_page_bytes(cfg.paper_width_mm, cfg.native_qr, f"{datetime.now():%Y-%m-%d %H:%M:%S}")
            r = printer.print_ticket(PrintJob(data, time.monotonic(), "printer-test"))
            report = {"ok": r.issued, "port": args.port, **r.as_dict()}
            ok = r.issued
    finally:
        printer.close()
    if args.json:
        emit_json(report)
    else:
        state = report.get("state") or report.get("outcome")
        print(f"{args.port}: {state}" + (f" ({report['reason']})" if report.get("reason") else ""))
    return EXIT_OK if ok else EXIT_FAILED
