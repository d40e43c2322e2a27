"""python -m bench.soak_ui [--journeys N] [--json]: N applicant journeys through the real rendered UI (headless
Kivy, 540×960), all in one running app — touches through the real buttons, cards and QR codes through the
simulators, the office server on loopback (as in bench/soak_rig.py). The scenarios are `kiosk-diag journey`'s,
in turn; each booking QR is fresh (a code is accepted once a day), and both clocks move to the next working day
when the day's walk-through bookings are used up.

Every `--sample-every` journeys: RSS, open file descriptors, threads and the number of Kivy widgets. Figures:
journeys ok/failed, growth after warm-up, and tickets/check-ins lost or duplicated against the server's database.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

# Imported up front: a run of half an hour must not load newer code at its end.
from bench import gl_textures
from bench.soak_checks import growth, verify
from bench.soak_office import seed_day
from bench.soak_rig import Rig
from bench.soak_samples import ErrorCounter, HeapTrace, font_faces, print_sample, report, take_sample
from office.seed import WALK_THROUGH, card_fields, seeded_bookings

CYCLE = (
    "booked-couple",
    "walk-in",
    "wrong-office-redirect",
    "printer-out",
    "hukou-office-only",
    "backend-down",
    "idle-timeout",
    "card-unplugged",
)
CHECKS_IN = {"booked-couple", "printer-out", "backend-down"}  # journeys that check a booking in
SAMPLE_EVERY = 100


class FreshPeople:
    """The soak's people: every QR journey gets a booking whose code has not been scanned; `exhausted` tells the
    runner to move to the next day before a journey could run out."""

    def __init__(self, rig: Rig):
        self.now = rig.clock
        self.per_day = WALK_THROUGH  # bookings whose slot is "now" (checkable at any hour)
        self.used: dict[str, int] = {}
        self.last: dict | None = None  # the last fresh booking handed out

    def booking(self, office: str, fresh: bool = False) -> dict:
        now = self.now()
        index = self.used.get(office, 0) if fresh else 0
        if fresh:
            self.used[office] = index + 1
        booking = seeded_bookings(office, now.date(), now)[index]
        if fresh:
            self.last = booking
        return booking

    def cards(self, booking: dict) -> list[dict]:
        return [card_fields(p, self.now().date()) for p in booking["parties"]]

    @property
    def exhausted(self) -> bool:
        return any(n >= self.per_day for n in self.used.values())


class Tally:
    """What the kiosk handed out (compared with the server's database by bench.soak_checks.verify)."""

    def __init__(self):
        self.checkins: set[str] = set()
        self.tickets: set[tuple[str, str]] = set()
        self.duplicates = 0

    def add_ticket(self, day: str, number: str) -> None:
        key = (day, number)
        self.duplicates += key in self.tickets
        self.tickets.add(key)


def outcomes_at_once(scenario, shell):
    """`scenario` (a journey's script) with each face outcome's display time let pass at once, as the headless soak
    does: once the outcome is drawn, the flow's timer fires (Shell.advance) instead of after face_outcome_s
    (1.8 s) of wall time. For the tests: their journeys wait for the kiosk, not for an applicant reading."""
    from kiosk.harness.headless import ScriptFailed, Until

    shown = lambda: shell.flow.session.face_shown is not None  # noqa: E731
    reply, error = None, None
    while True:
        try:
            item = scenario.throw(error) if error is not None else scenario.send(reply)
        except StopIteration:
            return
        reply = error = None
        if not isinstance(item, Until):  # a screenshot
            reply = yield item
            continue
        try:
            while True:  # Until resumes after one more frame: the outcome has been drawn
                yield Until(lambda wanted=item.test: wanted() or shown(), item.timeout, item.what)
                if item.test():
                    break
                shell.advance(shell.seconds["face_outcome_s"])
        except ScriptFailed as e:  # a timeout: the scenario's own to report
            error = e


def _in_thread(fn) -> threading.Event:
    done = threading.Event()

    def run():
        try:
            fn()
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    return done


def soak_ui(
    journeys: int,
    *,
    work: Path,
    sample_every: int = SAMPLE_EVERY,
    progress=None,
    trace: bool = False,
    trace_from: int = 0,
    plain_labels: bool = False,
    at_once: bool = False,
    scenarios: tuple[str, ...] = CYCLE,
) -> dict:
    from kiosk.ui import kivy_env

    kivy_env.prepare(work / "kivy", headless=True, size=(540, 960))

    from kiosk.flow.events import Cancel
    from kiosk.maintenance.logs import KnownNames
    from kiosk.maintenance.wiring import attach
    from kiosk.ui.app import ClockScheduler, KioskApp
    from kiosk.harness.demo import DemoControls
    from kiosk.harness.people import SimulatedApplicants
    from kiosk.harness.headless import ScriptFailed, Until, run_headless
    from kiosk.harness.journeys import Journey
    from kiosk.harness.scenarios import SCENARIOS

    from kiosk.ui import label_textures

    if plain_labels:  # Kivy's labels as shipped, a new texture per change of size: the comparison
        label_textures.install = lambda: None
    errors = ErrorCounter().install()
    rig = Rig(work)
    seed_day(rig.server, rig.clock, offices=tuple(rig.server.backend.offices))
    applicants = SimulatedApplicants()  # who the demo controls put in front of the camera and sensor
    rig.start(ClockScheduler(), people=applicants)
    parts, shell = rig.parts, rig.shell
    identity = parts.identity
    controls = DemoControls(parts, applicants)
    attach(shell, parts.maintenance, parts.tap, KnownNames())
    app = KioskApp(
        shell,
        identity,
        controls,
        office=parts.office,
        config=rig.config,
        pacing=parts.pacing,
        maintenance=parts.maintenance,
    )
    people, tally = FreshPeople(rig), Tally()
    outcomes: dict[str, int] = {}
    failures: list[str] = []
    samples: list[dict] = []
    heap = HeapTrace(trace)
    seconds: dict[str, float] = {}
    t0 = time.monotonic()
    textures = None

    def widgets() -> int:
        return sum(1 for tree in [app.root] + list(app.sm.screens) for _ in tree.walk(restrict=True))

    def settle(what: str, test, timeout: float = 30.0):
        yield Until(test, timeout, what)

    def new_day():
        yield from settle("attract before a new day", lambda: shell.flow.state.value == "attract" and not shell.busy)
        rig.next_day()
        seed_day(rig.server, rig.clock, offices=tuple(rig.server.backend.offices))
        people.used.clear()
        done = _in_thread(parts.link.cache.refresh)  # today's bookings, for the backend-down journey
        yield from settle("bookings cache refreshed", done.is_set)

    def script():
        nonlocal textures
        yield Until(lambda: app.sm is not None and app.frames > 0, 30, "first frame")
        textures = gl_textures.counter()  # textures created from here on (every module's loaded by now)
        yield Until(lambda: identity.engine is not None or bool(identity.engine_error), 30, "face engine")
        done = _in_thread(parts.link.cache.refresh)
        yield Until(done.is_set, 30, "bookings cached")
        for i in range(1, journeys + 1):
            name = scenarios[(i - 1) % len(scenarios)]
            if people.exhausted:
                yield from new_day()
            journey = Journey(app, shell, parts, controls)
            journey.people = people
            started = time.perf_counter()
            try:
                scenario = SCENARIOS[name](journey)
                yield from outcomes_at_once(scenario, shell) if at_once else scenario
                outcomes[name] = outcomes.get(name, 0) + 1
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
                if journey.ticket and journey.ticket.get("number"):
                    tally.add_ticket(people.now().date().isoformat(), str(journey.ticket["number"]))
                if name in CHECKS_IN:
                    tally.checkins.add(people.last["appointment_id"])
            except Exception as e:  # a failed journey is counted; the next applicant starts from attract
                outcomes["failed"] = outcomes.get("failed", 0) + 1
                if len(failures) < 10:
                    failures.append(f"#{i} {name}: {type(e).__name__}: {e}")
            journey.close()
            restored = _in_thread(controls.restore)
            yield from settle("simulators restored", restored.is_set)
            if shell.flow.state.value != "attract":
                app.post(Cancel())
                try:
                    yield from settle("attract after a failed journey", lambda: shell.flow.state.value == "attract")
                except ScriptFailed as e:
                    failures.append(f"#{i} stuck: {e}")
                    return
            if not shell.flow.status.backend_online:
                try:
                    yield from settle("backend seen up", lambda: shell.flow.status.backend_online)
                except ScriptFailed:
                    pass
            if i % sample_every == 0 or i == journeys:
                sample = take_sample(
                    i,
                    t0,
                    rig,
                    heap,
                    errors,
                    widgets=widgets(),
                    font_faces=font_faces(),
                    textures_created=textures.made if textures else None,
                    textures_by_caller=dict(textures.callers.most_common(6)) if textures else None,
                    failed=outcomes.get("failed", 0),
                )
                samples.append(sample)
                if progress:
                    progress(sample)
                if i >= trace_from:
                    heap.start()  # from the first sample (or --trace-from) on, with --tracemalloc

    try:
        run_error = run_headless(app, script())
        elapsed = time.monotonic() - t0
        top, types = heap.top(), heap.type_growth()
        checks = verify(rig, tally)
    finally:
        rig.stop()
        errors.uninstall()
    warmup = min(len(samples) - 1, max(1, len(samples) // 10)) if samples else 0
    ok = sum(v for k, v in outcomes.items() if k != "failed")
    return {
        "ui_journeys": journeys,
        "ui_ok": ok,
        "ui_failed": outcomes.get("failed", 0),
        "ui_not_run": journeys - ok - outcomes.get("failed", 0),
        "ui_not_ok": journeys - ok,
        "ui_seconds": round(elapsed, 1),
        "ui_seconds_per_journey": round(elapsed / max(journeys, 1), 2),
        "ui_outcomes": outcomes,
        "ui_failures": failures,
        "ui_run_error": str(run_error or ""),
        "ui_mean_s": {k: round(v / outcomes[k], 3) for k, v in seconds.items()},
        "ui_unhandled_exceptions": errors.count,
        "ui_exception_samples": errors.samples,
        "ui_tickets_duplicated_on_screen": tally.duplicates,
        "ui_days_simulated": len({day for day, _ in tally.tickets}),
        **{f"ui_{k}": v for k, v in growth(samples, samples[warmup]["journeys"] if samples else 0).items()},
        **{f"ui_{k}": v for k, v in checks.items()},
        "ui_lost_or_duplicated": tally.duplicates
        + sum(checks[k] for k in ("checkins_lost", "checkins_duplicated", "tickets_lost", "tickets_duplicated")),
        "ui_tracemalloc_top": top,
        "ui_object_growth": types,
        "ui_samples": samples,
    }


def run_in_subprocess(journeys: int, sample_every: int = SAMPLE_EVERY, timeout_s: float = 7200) -> dict:
    """The UI soak in a process of its own (Kivy owns its process; the caller's RSS stays out of the figures)."""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.soak_ui",
            "--journeys",
            str(journeys),
            "--sample-every",
            str(sample_every),
            "--json",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        return {"ui_journeys": journeys, "ui_ok": 0, "ui_run_error": f"exit {proc.returncode}: {tail}"}


def _scenarios(p: argparse.ArgumentParser, names: str) -> tuple[str, ...]:
    picked = tuple(n.strip() for n in names.split(",") if n.strip())
    unknown = [n for n in picked if n not in CYCLE]
    if unknown or not picked:
        p.error(f"--scenarios: pick from {', '.join(CYCLE)} (unknown: {', '.join(unknown) or 'none given'})")
    return picked


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(prog="python -m bench.soak_ui", description=__doc__.split("\n\n")[0])
    p.add_argument("--journeys", type=int, default=1000)
    p.add_argument("--sample-every", type=int, default=SAMPLE_EVERY)
    p.add_argument(
        "--tracemalloc", action="store_true", help="Python heap size per sample, growth by line and object type"
    )
    p.add_argument("--trace-from", type=int, default=0, metavar="N", help="start tracing at journey N")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plain-labels", action="store_true", help="Kivy's labels as shipped (a texture per size)")
    p.add_argument(
        "--outcomes-at-once",
        action="store_true",
        help="face outcomes move on once drawn, not after their display time (tests)",
    )
    p.add_argument(
        "--scenarios", default=",".join(CYCLE), help="the scenarios to run in turn, comma-separated (default: all)"
    )
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-ui-") as work:
        result = soak_ui(
            args.journeys,
            work=Path(work),
            sample_every=args.sample_every,
            progress=None if args.json else print_sample,
            trace=args.tracemalloc,
            trace_from=args.trace_from,
            plain_labels=args.plain_labels,
            at_once=args.outcomes_at_once,
            scenarios=_scenarios(p, args.scenarios),
        )
    report(result, args.json)
    return result


if __name__ == "__main__":
    main()
