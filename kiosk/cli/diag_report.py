"""kiosk-diag report: the 全城通办 figures for a date range from the office server, exported as CSV + PNG.

`report --from YYYY-MM-DD --to YYYY-MM-DD [--office CODE] [--url URL | --config FILE] [--out DIR] [--json]`.
Exit 0 with the figures (an empty range is not an error: zeros), 1 when the office server cannot give them,
2 for a reversed or malformed range.
"""

from __future__ import annotations

from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json

HELP = "全城通办 report: `report --from D --to D [--office CODE] [--url URL] [--out DIR] [--json]`"


def configure(parser):
    parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--office", help="office code (default: kiosk.office of the config)")
    parser.add_argument("--url", help="office server (default: backend.url of the config)")
    parser.add_argument("--config", metavar="FILE", help="kiosk TOML (default: the demo config)")
    parser.add_argument("--out", metavar="DIR", help="write citywide-<office>-<from>_<to>.csv and .png here")
    parser.add_argument("--json", action="store_true")
    from kiosk.cli.diag_backend import add_tls_args

    add_tls_args(parser)


def run(args) -> int:
    from pathlib import Path

    from kiosk.maintenance import report as rep
    from kiosk.services.office_client import OfficeClient

    from kiosk.cli.diag_backend import _tls

    office, url, tls = args.office, args.url, _tls(args)
    if not (office and url and tls):
        from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

        try:
            config = load_kiosk_config(args.config or DEFAULT_CONFIG)
        except ConfigError as e:
            raise UsageError(str(e)) from None
        office, url = office or config.kiosk.office, url or config.backend.url
        tls = _tls(args, config.backend)
    client = OfficeClient(url, kiosk_id="kiosk-diag", retries=1, **tls)
    try:
        report = rep.fetch(client, office, args.start, args.end)
    except rep.ReportRangeError as e:
        raise UsageError(str(e)) from None
    except rep.ReportUnavailable as e:
        if args.json:
            emit_json({"ok": False, "error": "unavailable", "reason": str(e)})
        else:
            print(str(e))
        return EXIT_FAILED
    finally:
        client.close()
    files = None
    if args.out:
        from kiosk.maintenance.chart import export

        stem = f"citywide-{office}-{report['from']}_{report['to']}"
        files = export(report, Path(args.out) / f"{stem}.csv", Path(args.out) / f"{stem}.png")
    if args.json:
        emit_json({"ok": True, "report": report, "files": files})
    else:
        share = f"{report['share_from_other_counties'] * 100:.1f}%"
        print(
            f"{office} {report['from']}..{report['to']}: {report['cases']} cases, {report['applicants']} "
            f"applicants, {share} from other counties, {report['cross_county_cases']} cross-county"
        )
        if files:
            print(f"wrote {files['csv']} and {files['png']}")
    return EXIT_OK
