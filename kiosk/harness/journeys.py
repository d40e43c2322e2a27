"""Scripted journeys through the real app (headless) with the simulators and the bundled office server.

A scenario is a generator over a Journey: touches go through the real buttons, cards and QR codes through the
simulators, time through the shell's timers. `machine_time_s` sums, for every step that waits on the kiosk
(not on the applicant, e.g. facing the camera), the time from the input to the next screen drawn.
Call after kivy_env.prepare(headless=True).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk.flow import State
from kiosk.flow.events import Cancel
from kiosk.harness.headless import ScriptFailed, Shot, Until
from kiosk.harness.privacy import card_needles, personal_files_left, personal_strings_left


class Journey:
    def __init__(self, app, shell, parts, controls):
        # parts: the kiosk's (kiosk.app.wiring.Parts): its devices, office link and configuration
        self.app, self.shell, self.parts, self.controls = app, shell, parts, controls
        self.states: list[str] = [shell.flow.state.value]
        self.ticket: dict | None = None
        self.decision: str | None = None
        self.reasons: tuple = ()
        self.touches = 0
        self.machine_s = 0.0
        self.device_s = 0.0  # of machine_s, the card reader's modelled wire + SAM time (hardware, not us)
        self.steps: list[tuple[str, float]] = []
        self.privacy_files: list[str] = []
        self.shots_dir: Path | None = None  # a screenshot after every step (--shots DIR)
        self.control_hits: int | None = None
        self.id_photos: dict = {}
        self.faces: dict = {}
        self.people = None  # who comes to the kiosk (kiosk.harness.scenarios.TodaysPeople)
        self.demo_pin: str | None = None  # this run's technician PIN, as `kiosk --demo` has one
        self.maintenance = None  # the maintenance core (audit log, pages' data)
        self.notes: dict = {}  # what a scenario found, for the result
        self.verification: list[dict] = []  # per party: verified_by, result, score, attempts
        shell.listeners.append(self._seen)

    def id_photo(self, party: int, image) -> None:
        """The scenario's own choice of card photo, unless the technician gave one (--id-photo)."""
        if party not in self.id_photos:
            self.controls.set_id_photo(party, image)

    def face(self, party: int, image, still: bool = False) -> None:
        if party not in self.faces:
            self.controls.set_face(party, image, still)

    def close(self) -> None:
        self.shell.listeners.remove(self._seen)

    def _seen(self, old, new, event) -> None:
        if new.state != old.state:
            self.states.append(new.state.value)
        if new.state in (State.DONE, State.PRINTER_PROBLEM) and new.session.ticket:
            t = new.session.ticket
            self.ticket = {k: t.get(k) for k in ("number", "business", "offline", "waiting_ahead", "priority")}
        if new.session.verification and new.session.verification != old.session.verification:
            self.verification = [c.as_dict() for c in new.session.verification]
        if new.session.decision is not None:
            self.decision, self.reasons = new.session.decision.decision, tuple(new.session.decision.reasons)

    # --- what a step waits for ---------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.shell.flow.state.value

    def settled(self, state: str):
        return lambda: self.state == state and not self.shell.busy

    def step(self, label: str, action, until: str, *, machine: bool = True, timeout: float = 15.0):
        t0, d0 = time.perf_counter(), self._reader_modelled_s()
        action()
        yield Until(self.settled(until), timeout, f"{until} after {label} (now {self.state})")
        took = time.perf_counter() - t0
        self.steps.append((label, round(took, 3)))
        if machine:
            self.machine_s += took
            self.device_s += self._reader_modelled_s() - d0
        if self.shots_dir is not None:
            yield Shot(self.shots_dir / f"{len(self.steps):02d}-{self.state}.png")

    def _reader_modelled_s(self) -> float:
        return getattr(getattr(self.parts.devices.idcard, "sim", None), "modelled_s", 0.0)

    # --- inputs --------------------------------------------------------------------------------------------------
    def touch(self, widget_id: str, until: str, **kw):
        screen = self.app.sm.current_screen
        button = screen.ids.get(widget_id)
        if button is None:
            raise ScriptFailed(f"no '{widget_id}' on {screen.name}")
        if button.disabled:
            raise ScriptFailed(f"'{widget_id}' on {screen.name} is disabled")

        def press():
            self.touches += 1
            button.dispatch("on_press")
            button.dispatch("on_release")

        yield from self.step(f"touch {widget_id}", press, until, **kw)

    def help(self, button_id: str, test, what: str, timeout: float = 15.0):
        """A button of the help row below every applicant screen (repeat, call staff); waits until `test()`."""
        button = self.app.root.ids.help.ids[button_id]
        if button.disabled or button.opacity == 0:
            raise ScriptFailed(f"'{button_id}' is not offered on {self.state}")
        self.touches += 1
        button.dispatch("on_press")
        button.dispatch("on_release")
        yield Until(test, timeout, what)

    def strip(self, button_id: str, until: str, **kw):
        """A button of the demo strip (as in `kiosk --demo`)."""
        from kiosk.ui.widgets import DemoStrip

        strip = next(w for w in self.app.root.children if isinstance(w, DemoStrip))
        button = strip.ids[button_id]
        yield from self.step(
            f"demo {button_id}", lambda: (button.dispatch("on_press"), button.dispatch("on_release")), until, **kw
        )

    def cancel(self, until: str = "attract"):
        def press():
            self.touches += 1
            self.app.post(Cancel())

        yield from self.step("touch cancel", press, until)

    def card(self, card, until: str, **kw):
        self.controls.prepare_photo(card)  # the simulator's work, before the clock starts
        yield from self.step("card", lambda: self.controls.present(card), until, **kw)

    def qr(self, payload: str, until: str, **kw):
        yield from self.step("qr", lambda: self.controls.scan(payload), until, **kw)

    def wait(self, until: str, *, timeout: float = 30.0):
        """The applicant's own time (facing the camera): not machine time."""
        yield from self.step("wait", lambda: None, until, machine=False, timeout=timeout)

    def elapse(self, seconds: float, until: str):
        """Let `seconds` of the applicant's silence pass at once (fires the shell's timers)."""
        yield from self.step(f"elapse {seconds:g}s", lambda: self.shell.advance(seconds), until, machine=False)

    def privacy_control(self):
        """Mid-session, the search must find the applicant (else a clean result after the session means nothing)."""
        if self.privacy_files:
            self.control_hits = len(personal_strings_left(card_needles(self.privacy_files), self.app))

    def expect(self, ok: object, what: str):
        if not ok:
            raise ScriptFailed(what)


def _join_office(url: str, pki_dir: str, kiosk_id: str, office: str) -> None:
    """This kiosk's certificate from a running office server's CA, remembered for its URL."""
    from kiosk.app.bundled import remember_bundled
    from office import pki

    pki.issue(pki_dir, "kiosk", kiosk_id, office)
    remember_bundled(url, Path(pki_dir), kiosk_id)


def run_journeys(
    names: Sequence[str],
    *,
    privacy_files: Sequence[str] = (),
    camera_fps: float = 15.0,  # the demo camera's rate: 60 hid a liveness failure only the real window had
    shots_dir: Path | None = None,
    id_photos: dict | None = None,
    faces: dict | None = None,
    settled: bool = False,
    office: tuple[str, str] | None = None,
) -> list[dict]:
    """The scenarios `names` in turn in one kiosk (one Kivy app per process, one office server), as applicants
    come one after another; a result per scenario, in order. Between two, the demo controls are restored (paper,
    network, no card, the demo faces) and the kiosk settles: the start screen, the office reachable, the journal
    sent, the printer ready. Each result counts what happened during its own scenario (counters, sounds, prompts).
    A day's three walk-through bookings per office (office.seed) are shared out: at most three scenarios that
    check a booking in per run.
    `id_photos` / `faces`: party (1, 2) → image file: the photo on that party's simulated card, and the face
    the simulated camera shows when that party is photographed (instead of the scenario's own). `settled`: the
    first applicant comes once start-up's background work is done (screens, prompts, ticket fonts), as on a kiosk
    that has been up a while — what the benchmarks time. `office`: (url, PKI folder) of an office server already
    running (the lobby's browser tests): this kiosk's certificate is issued there and the server is left running.
    `privacy_files` (one scenario only): after it, search the app and the kiosk's files for these cards' data."""
    from kiosk.app.assemble import assemble
    from kiosk.app.bundled import demo_config, start_bundled_server, stop_bundled_server, with_backend
    from kiosk.config import load_kiosk_config
    from kiosk.harness.demo import DemoControls
    from kiosk.harness.headless import run_headless
    from kiosk.harness.people import SimulatedApplicants
    from kiosk.harness.scenarios import SCENARIOS, TodaysPeople

    from kiosk.maintenance.pin import new_demo_pin

    names = list(names)
    if privacy_files and len(names) != 1:
        raise ValueError("the privacy check follows a single scenario")
    state_dir = Path(tempfile.mkdtemp(prefix="kiosk-journey-"))
    base = load_kiosk_config()
    base = base.model_copy(update={"kiosk": base.kiosk.model_copy(update={"state_dir": str(state_dir)})})
    demo_pin = new_demo_pin()  # as `kiosk --demo` does
    config = demo_config(base, ticket_pngs="demo-strip" in names, demo_pin=demo_pin)
    if office is None:
        proc, url, db_dir = start_bundled_server(state_dir)
    else:
        proc, url, db_dir = None, office[0], None
        _join_office(*office, config.kiosk.id, config.kiosk.office)
    results: list[dict[str, Any]] = [_empty_result(name) for name in names]
    assembly = None
    try:
        config = with_backend(config, url)
        people = SimulatedApplicants()
        assembly = assemble(
            config,
            device_options={"camera": {"fps": camera_fps}},
            people=people,
            demo_controls=lambda parts: DemoControls(parts, people, demo_pin=demo_pin),
        )
        app, shell, parts, controls = assembly.app, assembly.shell, assembly.parts, assembly.controls
        identity, maintenance = parts.identity, assembly.maintenance
        todays_people = TodaysPeople()  # one day's bookings, shared out over the run
        journey = None
        assembly.start(probe_s=1.0)

        def new_journey(name: str) -> Journey:
            j = Journey(app, shell, parts, controls)
            j.people = todays_people
            j.demo_pin, j.maintenance = demo_pin, maintenance
            j.privacy_files = list(privacy_files)
            j.shots_dir = shots_dir if shots_dir is None or len(names) == 1 else shots_dir / name
            if j.shots_dir is not None:
                j.shots_dir.mkdir(parents=True, exist_ok=True)
            j.id_photos, j.faces = dict(id_photos or {}), dict(faces or {})
            for party, image in j.id_photos.items():  # the technician's images win over the scenario's
                controls.set_id_photo(party, image)
            for party, image in j.faces.items():
                controls.set_face(party, image)
            return j

        def script():
            nonlocal journey
            yield Until(lambda: app.sm is not None and app.frames > 0, 20, "first frame")
            yield Until(
                lambda: identity.engine is not None or identity.engine_error or not config.face.enabled,
                20,
                "face engine",
            )
            if settled:  # an applicant who finds the kiosk up a while: start-up's background work all done
                yield Until(lambda: app.idle_work.done and parts.pacing.fonts_warm.is_set(), 20, "start-up work done")
            for i, name in enumerate(names):
                if i:
                    yield from _settle_between(app, shell, parts, controls)
                journey = new_journey(name)
                app.cues.played.clear()  # this scenario's sounds and prompts only
                app.voice.spoken.clear()
                counted = maintenance.counters.snapshot()
                error = None
                try:
                    yield from SCENARIOS[name](journey)
                except Exception as e:  # this scenario failed; the next one starts from a settled kiosk
                    error = e
                yield Until(lambda: True)  # what the last screen shows has been drawn
                results[i] = _result(name, journey, error, app, parts, counted, maintenance.counters.snapshot())
                journey.close()

        error = run_headless(app, script())
        if error is not None:  # the run itself failed (start-up): every scenario not reported yet fails with it
            for result in results:
                if "steps" not in result:
                    result.update(ok=False, error=str(error))
        if privacy_files:
            result = results[0]
            result["privacy_control_hits"] = journey.control_hits if journey is not None else None
            del controls, journey
            assembly.controls = None
            needles = card_needles(privacy_files)
            result["privacy_hits"] = hits = personal_strings_left(needles, app)
            result["privacy_file_hits"] = files = personal_files_left(needles, state_dir)
            result["ok"] = result["ok"] and not hits and not files
    finally:
        if assembly is not None:
            assembly.stop()
        if proc is not None:
            stop_bundled_server(proc, db_dir)
        import shutil

        shutil.rmtree(state_dir, ignore_errors=True)
    return results


def _empty_result(name: str) -> dict[str, Any]:
    return {"scenario": name, "states": [], "ticket": None, "touches": 0, "machine_time_s": 0.0, "ok": False}


def _result(name: str, j: Journey, error, app, parts, counted: dict, counts: dict) -> dict[str, Any]:
    from kiosk.ui.widgets import FacePreview

    result: dict[str, Any] = {
        "scenario": name,
        "states": j.states,
        "ticket": j.ticket,
        "touches": j.touches,
        "machine_time_s": round(j.machine_s, 3),
        "ok": error is None,
        "device_time_s": round(j.device_s, 3),
        "kiosk_time_s": round(j.machine_s - j.device_s, 3),
        "verification": j.verification,
    }
    if error is not None:
        result["error"] = str(error) if isinstance(error, ScriptFailed) else f"{type(error).__name__}: {error}"
    result["steps"] = j.steps
    if j.notes:
        result["notes"] = j.notes
    # what the maintenance screen and the metrics counted during this scenario
    result["counters"] = {
        k: _counted_since(counted.get(k), counts[k])
        for k in ("tickets", "tickets_total", "checkins_total", "redirects", "verified_by")
    }
    result["effects_s"] = dict(parts.runner.timings)
    result["sounds"] = list(app.cues.played)
    result["spoken"] = list(app.voice.spoken)  # prompts started (SDL's dummy driver: a null sink)
    result["ui_ready"] = app.ready  # warm-up done and cues loaded, off the first touches' path
    result["face_textures_left"] = sum(
        1
        for screen in app.sm.screens
        for w in screen.walk(restrict=True)
        if isinstance(w, FacePreview) and w.texture is not None
    )
    return result


def _counted_since(before, now):
    """A counter's growth: a number, or a dict of numbers (the keys that grew)."""
    if isinstance(now, dict):
        before = before or {}
        grown = {k: _counted_since(before.get(k), v) for k, v in now.items()}
        return {k: v for k, v in grown.items() if v}
    return now - (before or 0)


def _settle_between(app, shell, parts, controls):
    """After a scenario, whatever it left: the demo controls restored (paper in, network back, no card, the demo
    faces), then the start screen, the office reachable, the journal sent and the printer ready."""
    done = threading.Event()
    # restore blocks on the simulators: not on Kivy's thread
    threading.Thread(target=lambda: (controls.restore(), done.set()), daemon=True).start()
    yield Until(done.is_set, 30, "demo controls restored")
    if shell.flow.state is not State.ATTRACT:
        app.post(Cancel())
    status = lambda: shell.flow.status  # noqa: E731
    yield Until(
        lambda: (
            shell.flow.state is State.ATTRACT
            and not shell.busy
            and status().backend_online
            and status().printer_ok
            and parts.link.backlog() == 0
        ),
        60,
        "the kiosk settled between journeys (start screen, office online, printer ready, journal sent)",
    )
