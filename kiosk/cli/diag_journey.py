"""kiosk-diag journey SCENARIO --json: drive the real app headless through a scripted scenario with the device
simulators and the bundled office server; print the states, the ticket, the touches and the machine time."""

from __future__ import annotations

import argparse

HELP = "run a scripted applicant journey headless (simulators + office server) and report it"
NAMES = (
    "booked-couple",
    "walk-in",
    "wrong-office-redirect",
    "hukou-office-only",
    "printer-out",
    "backend-down",
    "idle-timeout",
    "card-unplugged",
    "privacy",
    "demo-strip",
    "demo-technician",
    "call-staff",
    "face-mismatch",
    "same-face-twice",
    "photo-attack",
    "fingerprint-fallback",
    "lobby-day",
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", choices=NAMES)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--privacy-check",
        nargs="*",
        default=[],
        metavar="CARD.json",
        help="after the journey, search widgets and gc objects for these cards' names and numbers",
    )
    parser.add_argument("--shots", metavar="DIR", help="save a screenshot after every step")
    parser.add_argument("--verbose", action="store_true", help="Kivy's log on stderr")
    parser.add_argument(
        "--settled",
        action="store_true",
        help="the applicant comes once start-up's background work is done (as the benchmarks time it)",
    )
    parser.add_argument(
        "--office",
        nargs=2,
        metavar=("URL", "PKI_DIR"),
        help="use this running office server (its PKI folder issues the kiosk's certificate) instead of a bundled one",
    )
    parser.add_argument(
        "--id-photo",
        action="append",
        default=[],
        metavar="PARTY=IMAGE",
        help="the simulated card of PARTY (1 or 2) carries IMAGE as its photo (simulated WLT)",
    )
    parser.add_argument(
        "--face",
        action="append",
        default=[],
        metavar="PARTY=IMAGE",
        help="the simulated camera shows IMAGE (animated) when PARTY (1 or 2) is photographed",
    )


def party_images(values: list[str], option: str) -> dict[int, str]:
    from pathlib import Path

    from kiosk.cli.common import UsageError

    out = {}
    for value in values:
        party, sep, image = value.partition("=")
        if not sep or party.strip() not in ("1", "2") or not image:
            raise UsageError(f"{option} takes PARTY=IMAGE with PARTY 1 or 2, not {value!r}")
        if not Path(image).is_file():
            raise UsageError(f"{option}: no image file at {image}")
        out[int(party)] = str(Path(image).resolve())
    return out


def run(args) -> int:
    import tempfile
    from pathlib import Path

    from kiosk.cli.common import EXIT_FAILED, EXIT_OK, emit_json
    from kiosk.ui import kivy_env

    id_photos, faces = party_images(args.id_photo, "--id-photo"), party_images(args.face, "--face")
    import atexit
    import shutil

    kivy_home = Path(tempfile.mkdtemp(prefix="kiosk-kivy-"))
    atexit.register(shutil.rmtree, kivy_home, True)
    kivy_env.prepare(kivy_home, headless=True, verbose=args.verbose, size=(540, 960))
    from kiosk.harness.journeys import run_journey

    try:
        shots = Path(args.shots) if args.shots else None
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
        result = run_journey(
            args.scenario,
            privacy_files=args.privacy_check,
            shots_dir=shots,
            id_photos=id_photos,
            faces=faces,
            settled=args.settled,
            office=tuple(args.office) if args.office else None,
        )
    except Exception as e:  # report, don't die silently (Kivy's console log is off)
        result = {
            "scenario": args.scenario,
            "states": [],
            "ticket": None,
            "touches": 0,
            "machine_time_s": 0.0,
            "ok": False,
            "error": f"{type(e).__name__}: {e}",
        }
    if args.json:
        emit_json(result)
    else:
        print(f"{result['scenario']}: {'ok' if result['ok'] else 'FAILED'}  {' → '.join(result['states'])}")
        print(f"  ticket {result['ticket']}  touches {result['touches']}  machine {result['machine_time_s']} s")
        for v in result.get("verification") or []:
            print(
                f"  party {v['party']}: verified by {v['verified_by']} ({v['result']}, score {v['score']}, "
                f"{v['attempts']} tries)"
            )
        if result.get("error"):
            print(f"  error: {result['error']}")
    return EXIT_OK if result["ok"] else EXIT_FAILED
