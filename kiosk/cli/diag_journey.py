"""kiosk-diag journey SCENARIO [SCENARIO ...] --json: drive the real app headless through scripted scenarios with
the device simulators and the bundled office server; print the states, the ticket, the touches and the machine
time of each. Several scenarios run one after another in one kiosk (one start-up, one office server)."""

from __future__ import annotations

import argparse

HELP = "run scripted applicant journeys headless (simulators + office server) and report them"
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
    parser.add_argument(
        "scenario",
        nargs="+",
        choices=NAMES,
        help="one or more; several run in turn in one kiosk (at most three of them check a booking in: a day "
        "has three walk-through bookings per office)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (a list of them for several)")
    parser.add_argument(
        "--privacy-check",
        nargs="*",
        default=[],
        metavar="CARD.json",
        help="after the journey, search widgets and gc objects for these cards' names and numbers",
    )
    parser.add_argument(
        "--shots", metavar="DIR", help="save a screenshot after every step (in DIR/SCENARIO/ for several)"
    )
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

    from kiosk.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit_json
    from kiosk.ui import kivy_env

    id_photos, faces = party_images(args.id_photo, "--id-photo"), party_images(args.face, "--face")
    names = args.scenario
    if len(set(names)) != len(names):
        raise UsageError("each scenario once per run")
    if args.privacy_check and len(names) > 1:
        raise UsageError("--privacy-check follows a single scenario")
    import atexit
    import shutil

    kivy_home = Path(tempfile.mkdtemp(prefix="kiosk-kivy-"))
    atexit.register(shutil.rmtree, kivy_home, True)
    kivy_env.prepare(kivy_home, headless=True, verbose=args.verbose, size=(540, 960))
    from kiosk.harness.journeys import run_journeys

    try:
        shots = Path(args.shots) if args.shots else None
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
        results = run_journeys(
            names,
            privacy_files=args.privacy_check,
            shots_dir=shots,
            id_photos=id_photos,
            faces=faces,
            settled=args.settled,
            office=tuple(args.office) if args.office else None,
        )
    except Exception as e:  # report, don't die silently (Kivy's console log is off)
        results = [
            {
                "scenario": name,
                "states": [],
                "ticket": None,
                "touches": 0,
                "machine_time_s": 0.0,
                "ok": False,
                "error": f"{type(e).__name__}: {e}",
            }
            for name in names
        ]
    if args.json:
        emit_json(results[0] if len(results) == 1 else results)
    else:
        for result in results:
            _print(result)
    return EXIT_OK if all(result["ok"] for result in results) else EXIT_FAILED


def _print(result: dict) -> None:
    print(f"{result['scenario']}: {'ok' if result['ok'] else 'FAILED'}  {' → '.join(result['states'])}")
    print(f"  ticket {result['ticket']}  touches {result['touches']}  machine {result['machine_time_s']} s")
    for v in result.get("verification") or []:
        print(
            f"  party {v['party']}: verified by {v['verified_by']} ({v['result']}, score {v['score']}, "
            f"{v['attempts']} tries)"
        )
    if result.get("error"):
        print(f"  error: {result['error']}")
