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


def render_screens(config, out: Path, langs: list[str], only: list[str] | None = None, large_text: bool = False):
    from kiosk.shell import Shell, timer_seconds
    from kiosk.ui.app import KioskApp
    from kiosk.ui.headless import Shot, Until, run_headless
    from kiosk.ui.samples import sample_flows

    offices = load_offices()
    office = offices[config.kiosk.office]
    env = FlowEnv(load_policy(config.kiosk.policy), offices, office.code, local_now().date(), True)
    shell = Shell(env, NoEffects(), FixedScheduler(), timer_seconds(config))
    app = KioskApp(shell, office=office)
    flows = sample_flows(env)
    written: list[Path] = []
    sizes: dict[str, float] = {}

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
                yield Until(lambda: True)           # on_enter has run (it resets the face screen)
                if flow.state.value.startswith("face_"):
                    face = face if face is not None else _sample_face()
                    screen.ids.preview.show_frame(face)
                    screen.hint, screen.progress, screen.countdown = "ok", 0.6, 1
                    yield Until(lambda: True)
                path = out / f"{name}.{lang}.png"
                yield Shot(path)
                written.append(path)
                sizes[f"{name}.{lang}"] = smallest_touch_target(screen)

    error = run_headless(app, script())
    return written, error, sizes


def smallest_touch_target(screen) -> float:
    """The smallest side, in pixels, of any button the applicant can see on the screen."""
    from kivy.uix.behaviors import ButtonBehavior

    sides = [min(w.width, w.height) for w in screen.walk(restrict=True)
             if isinstance(w, ButtonBehavior) and w.opacity > 0 and not w.disabled and w.get_root_window()]
    return min(sides) if sides else 0.0
