"""kiosk-diag holidays [--config FILE] [--date YYYY-MM-DD] [--json]: which years have a holiday calendar, and
from where: shipped with the release (config/holidays/) or installed by the office (holidays/ next to the kiosk's
configuration file). Exit 1 while a calendar is due and missing (this year's, or from 1 November next year's)."""

from __future__ import annotations

from datetime import date

HELP = "holiday calendars: the years covered, shipped or installed, and the one due (exit 1 if missing)"


def configure(parser) -> None:
    parser.add_argument("--config", help="kiosk configuration (default config/default.toml)")
    parser.add_argument("--date", help="the day to judge from (default: today in China)")
    parser.add_argument("--json", action="store_true")


def run(args) -> int:
    from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json
    from kiosk.config import DEFAULT_CONFIG, ConfigError, holiday_calendars, load_kiosk_config, load_rest_days
    from kiosk.maintenance.upkeep import calendar_outlook
    from kiosk.services.backend_status import local_now

    try:
        today = date.fromisoformat(args.date) if args.date else local_now().date()
    except ValueError:
        raise UsageError(f"--date: not YYYY-MM-DD: {args.date!r}") from None
    try:
        config = load_kiosk_config(args.config or DEFAULT_CONFIG)
        installed = config.holidays_dir
        calendars = holiday_calendars(installed)
        outlook = calendar_outlook(load_rest_days(installed=installed), today)
    except ConfigError as e:
        raise UsageError(str(e)) from None
    years = [
        {
            "year": year,
            "origin": found.origin,
            "notice": found.calendar.notice,
            "title": found.calendar.title,
            "file": str(found.path),
        }
        for year, found in calendars.items()
    ]
    missing = outlook["missing"]
    # the demo's configuration lives in the shipped folder: name a terminal's folder instead
    where = str(installed) if installed else "/etc/heyuan-kiosk/holidays"
    if args.json:
        emit_json(
            {
                "today": today.isoformat(),
                "years": years,
                "missing": missing,
                "install_dir": str(installed) if installed else None,
            }
        )
    else:
        for y in years:
            print(f"{y['year']}  {y['origin']:<9}  {y['notice']}  {y['file']}")
        if missing is not None:
            print(f"{missing}  MISSING    install the published calendar as {where}/{missing}.toml")
        else:
            print(f"nothing due on {today.isoformat()}")
    return EXIT_FAILED if missing is not None else EXIT_OK
