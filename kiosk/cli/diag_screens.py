"""kiosk-diag screens: render every screen (applicant and maintenance) in each language to DIR/<screen>.<lang>.png
with the real Kivy renderer, offscreen."""

from __future__ import annotations

import argparse

HELP = "render every screen in each language to DIR/<screen>.<lang>.png (offscreen Kivy)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="directory for the PNG files (created)")
    parser.add_argument("--lang", default="zh,en", help="comma-separated languages (default zh,en)")
    parser.add_argument("--config", help="kiosk configuration (default config/default.toml)")
    parser.add_argument("--orientation", choices=["portrait", "landscape"], help="override the configured one")
    parser.add_argument("--only", help="comma-separated screen names (default: all)")
    parser.add_argument("--large-text", action="store_true", help="render in large-text mode")
    parser.add_argument("--demo-strip", action="store_true", help="with the demo strip at the bottom (kiosk --demo)")
    parser.add_argument("--json", action="store_true", help="print the files written as JSON")
    parser.add_argument(
        "--checks-only",
        action="store_true",
        help="no PNG files: only the accessibility checks of every screen (with --json)",
    )
    parser.add_argument("--verbose", action="store_true", help="show Kivy's log on stderr")


def run(args) -> int:
    import tempfile
    from pathlib import Path

    from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json
    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    if not langs or any(x not in ("zh", "en") for x in langs):
        raise UsageError("--lang takes zh, en or zh,en")
    try:
        config = load_kiosk_config(args.config or DEFAULT_CONFIG)
    except ConfigError as e:
        raise UsageError(str(e)) from None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from kiosk.ui import kivy_env

    import atexit
    import shutil

    kivy_home = Path(tempfile.mkdtemp(prefix="kiosk-kivy-"))
    atexit.register(shutil.rmtree, kivy_home, True)
    kivy_env.prepare(
        kivy_home, headless=True, verbose=args.verbose, orientation=args.orientation or config.kiosk.orientation
    )
    from kiosk.harness.screenshots import render_screens

    try:
        written, error, sizes, checks = render_screens(
            config,
            out,
            langs,
            only=args.only.split(",") if args.only else None,
            large_text=args.large_text,
            demo_strip=args.demo_strip,
            pngs=not args.checks_only,
        )
    except Exception as e:  # a broken screen: name it instead of dying silently (Kivy's log is off)
        written, error, sizes, checks = [], e, {}, {}
    if args.json:
        emit_json(
            {
                "ok": error is None,
                "files": [str(p) for p in written],
                "error": str(error or "") or None,
                "smallest_touch_target_px": sizes,
                "accessibility": checks,
            }
        )
    else:
        for p in written:
            print(p)
    if error is not None:
        import sys

        sys.stderr.write(f"kiosk-diag screens: {error}\n")
        return EXIT_FAILED
    return EXIT_OK
