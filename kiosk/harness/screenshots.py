"""Render every screen from sample flows (kiosk-diag screens). Call after kivy_env.prepare(headless=True)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiosk.config import load_offices, load_policy
from kiosk.flow import FlowEnv
from kiosk.services.backend_status import local_now


class NoEffects:
    def run(self, effect):
        return None

    def cancel(self, effect):
        pass


class FixedScheduler:
    """Screenshots must not change under the camera: timers never fire."""

    class _H:
        def cancel(self):
            pass

    def later(self, delay, fn):
        return self._H()

    def soon(self, fn):
        from kivy.clock import Clock

        Clock.schedule_once(lambda dt: fn(), 0)


def _sample_face():
    from drivers.camera.simulator import SimulatedCamera

    cam = SimulatedCamera(realtime=False)
    cam.open()
    try:
        import cv2

        return cv2.resize(cam.render(6.0), (320, 240))
    finally:
        cam.close()


class StripStub:
    """The demo strip's controls for a screenshot: nothing behind the buttons."""

    demo_pin = "123456"


def render_screens(
    config,
    out: Path,
    langs: list[str],
    only: list[str] | None = None,
    large_text: bool = False,
    demo_strip: bool = False,
    pngs: bool = True,
):
    """Every screen (or `only` these) in each of `langs`: a PNG each in `out` (unless `pngs` is false: the checks
    alone), the smallest touch target and the accessibility checks (kiosk.harness.accessibility) per screen."""
    from kiosk.app.shell import Shell, timer_seconds
    from kiosk.ui.app import KioskApp
    from kiosk.harness.headless import Shot, Until, run_headless
    from kiosk.harness.samples import sample_flows

    offices = load_offices()
    office = offices[config.kiosk.office]
    env = FlowEnv(load_policy(config.kiosk.policy), offices, office.code, local_now().date(), True)
    shell = Shell(env, NoEffects(), FixedScheduler(), timer_seconds(config))
    import tempfile

    from kiosk.maintenance.samples import sample_maintenance

    maint_dir = Path(tempfile.mkdtemp(prefix="kiosk-maint-shots-"))
    maintenance = sample_maintenance(maint_dir, office.code, env.today)
    app = KioskApp(shell, office=office, maintenance=maintenance, demo_controls=StripStub() if demo_strip else None)
    app.screen_diagonal_in = config.kiosk.screen_diagonal_in
    app.voice_on = config.voice.enabled  # the help row as applicants see it (nothing is spoken here)
    flows = sample_flows(env)
    written: list[Path] = []
    sizes: dict[str, float] = {}
    checks: dict[str, dict] = {}

    def measure(name: str, screen) -> None:
        from kivy.core.window import Window

        from kiosk.harness.accessibility import MIN_TOUCH_MM, check

        sizes[name] = smallest_touch_target(screen)
        checks[name] = check(app.root, app.min_touch_px, app.min_touch_px / MIN_TOUCH_MM, Window.clearcolor)

    def script():
        face = None
        yield Until(lambda: app.sm is not None, what="app built")
        for lang in langs:
            for name, flow in flows.items():
                if only and name not in only:
                    continue
                flow = replace(flow, session=replace(flow.session, language=lang, large_text=large_text))
                shell.flow = flow
                app.show(flow)
                screen = app.sm.get_screen(flow.state.value)
                yield Until(lambda: True)  # on_enter has run (it resets the face screen)
                yield Until(lambda: True)  # layouts that follow the bars' heights have settled
                if flow.state.value.startswith("face_"):
                    face = face if face is not None else _sample_face()
                    screen.ids.preview.show_frame(face)
                    screen.hint, screen.progress, screen.countdown = "ok", 0.6, 1
                    yield Until(lambda: True)
                if flow.state.value == "maintenance":
                    yield from _maintenance_page(screen, "maintenance_devices")
                yield from shot(out / f"{name}.{lang}.png")
                measure(f"{name}.{lang}", screen)
            yield from maintenance_pages(lang)

    def shot(path: Path):
        if pngs:
            yield Shot(path)
            written.append(path)
        else:
            yield Until(lambda: True)  # drawn, as for a shot

    def maintenance_pages(lang):
        from kiosk.flow import State
        from kiosk.ui.screens.maintenance import PAGES

        flow = replace(
            flows["maintenance"], session=replace(flows["maintenance"].session, language=lang, large_text=large_text)
        )
        for name in PAGES:
            if only and name not in only:
                continue
            shell.flow = flow
            app.show(flow)
            screen = app.sm.get_screen(State.MAINTENANCE.value)
            yield from _maintenance_page(screen, name)
            yield from shot(out / f"{name}.{lang}.png")
            measure(f"{name}.{lang}", screen)
            if name == "maintenance_devices":
                yield from _scrolled_to_end(screen.current_page())  # the year's rows: calendars, certificates …
                yield from shot(out / f"{name}_end.{lang}.png")
                measure(f"{name}_end.{lang}", screen)

    try:
        error = run_headless(app, script())
    finally:
        import shutil

        shutil.rmtree(maint_dir, ignore_errors=True)
    return written, error, sizes, checks


def _maintenance_page(screen, name: str):
    """Open a maintenance page and wait until it shows its (sample) data."""
    from kiosk.harness.headless import Until

    screen.select(name)
    page = screen.current_page()
    yield Until(lambda: not page.loading, what=f"{name} loaded")
    if name == "maintenance_selftest":
        for device in ("idcard", "printer", "camera", "scanner"):
            page.run_test(device)
        yield Until(
            lambda: all(
                page.results.get(d) not in (None, "running") for d in ("idcard", "printer", "camera", "scanner")
            ),
            what="self-tests",
        )
    elif name == "maintenance_report":
        page.run_report()
        yield Until(lambda: not page.loading and bool(page.chart or page.error), what="report")
    elif name == "maintenance_journal":
        page.replay()
        yield Until(lambda: not page.loading and bool(page.audit), what="journal replay")
    elif name in ("maintenance_devices", "maintenance_counters"):
        yield Until(lambda: bool(page.rows), what=f"{name} rows")
    elif name == "maintenance_logs":
        yield Until(lambda: bool(page.text), what="log lines")
    yield Until(lambda: True)


def _scrolled_to_end(page):
    """The page's list scrolled to its last row (the device page is longer than the panel)."""
    from kivy.uix.scrollview import ScrollView

    from kiosk.harness.headless import Until

    for w in page.walk(restrict=True):
        if isinstance(w, ScrollView):
            w.scroll_y = 0
    yield Until(lambda: True)
    yield Until(lambda: True)


def smallest_touch_target(screen) -> float:
    """The smallest side, in pixels, of any button the applicant can see on the screen."""
    from kivy.uix.behaviors import ButtonBehavior

    sides = [
        min(w.width, w.height)
        for w in screen.walk(restrict=True)
        if isinstance(w, ButtonBehavior) and w.opacity > 0 and not w.disabled and w.get_root_window()
    ]
    return min(sides) if sides else 0.0
