"""The Kivy app shell: one Screen per flow state, switched by the shell's listener; texts from the catalogs.

The App holds the properties the .kv files bind to (language, text sizes, banners). Screens send intents
(events) through `app.post`; the machine decides. Import only after kiosk.ui.kivy_env.prepare().
"""

from __future__ import annotations

import importlib.resources
import logging
import threading
from dataclasses import replace
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.flow import APPLICANT_STATES, MAINTENANCE_STATES, Flow, State
from kiosk.flow.events import CallStaff, Event, Finish, Idle, MaintenanceRequested, SetLanguage
from kiosk.flow.progress import journey_steps
from kiosk.ui import fonts, offscreen
from kiosk.i18n import pick, tr
from kiosk.ui.idle import IdleWork
from kiosk.ui.sounds import Cues
from kiosk.ui.voice import Voice

log = logging.getLogger(__name__)
KV_DIR = Path(str(importlib.resources.files("kiosk.ui") / "kv"))  # package data: kiosk/ui/kv/*.kv


def _make_screen(name: str):
    """A flow state's Screen (kiosk/ui/registry.py), its kv loaded first."""
    from kiosk.ui.registry import SCREENS

    screen_class, kv = SCREENS[State(name)]
    Builder.load_file(str(KV_DIR / kv))
    return screen_class(name=name)


class Screens(ScreenManager):
    """A ScreenManager that builds a flow state's screen the first time it is asked for."""

    make = None

    def get_screen(self, name):
        if not self.has_screen(name) and self.make is not None and name in {s.value for s in State}:
            self.add_widget(self.make(name))
        return super().get_screen(name)


class ClockScheduler:
    """The shell's scheduler on Kivy's Clock (schedule_once is safe to call from any thread)."""

    def later(self, delay, fn):
        return Clock.schedule_once(lambda dt: fn(), delay)

    def soon(self, fn):
        Clock.schedule_once(lambda dt: fn(), 0)


class KioskApp(App):
    lang = StringProperty("zh")
    large_text = BooleanProperty(False)
    portrait = BooleanProperty(True)
    u = NumericProperty(1.0)  # layout unit: 1.0 at 1080 px on the short side
    fs_body = NumericProperty(40)
    fs_title = NumericProperty(60)
    fs_button = NumericProperty(44)
    fs_huge = NumericProperty(220)
    button_h = NumericProperty(120)  # touch targets: never below 15 mm (min_touch_px) nor 48 px
    min_touch_px = NumericProperty(48)  # 15 mm at the configured panel size (kiosk.screen_diagonal_in)
    help_h = NumericProperty(92)  # the help row's buttons (repeat, call staff)
    backend_online = BooleanProperty(True)
    demo = BooleanProperty(False)
    multilingual = BooleanProperty(True)  # more than one language offered: the attract screen's switch shows
    office_name = StringProperty("")
    shell = ObjectProperty(None, allownone=True)
    guided = BooleanProperty(False)  # an applicant screen: the step bar and the help row show
    steps = ListProperty([])  # the step bar's step keys (kiosk.flow.progress)
    step = NumericProperty(-1)  # the current one
    assistance = StringProperty("")  # the session's call for staff: "" | calling | sent | on_the_way | offline
    voice_on = BooleanProperty(False)  # spoken prompts on: the "repeat" button shows

    def __init__(
        self,
        shell,
        identity=None,
        demo_controls=None,
        office=None,
        maintenance=None,
        notifier=None,
        entry_key: str = "f12",
        config=None,
        pacing=None,
        **kw,
    ):
        super().__init__(**kw)
        # identity: the identity steps the face screens watch (kiosk.services.identity.steps; None: screenshots)
        self.shell, self.identity, self.demo_controls = shell, identity, demo_controls
        self.pacing = pacing  # kiosk.app.pacing.StartupPacing: told when the first screen is up and when idle
        self.maintenance = maintenance  # kiosk.maintenance.core.Maintenance (None: tools unavailable)
        self.notifier = notifier  # kiosk.maintenance.sdnotify.Notifier (READY, WATCHDOG)
        self.entry_key = entry_key  # the technician's key on the attract screen (config)
        self.office = office
        self.demo = demo_controls is not None
        self.touches = 0
        self.frames = 0
        self.flip_callbacks: list = []
        self.ready = False  # warmed up: fonts, pinyin and cues loaded
        self.cues = Cues()
        self.idle_work = IdleWork()
        self.voice = (
            Voice(enabled=config.voice.enabled, recorded=_expand(config.voice.dir))
            if config is not None
            else Voice(enabled=False)
        )
        self.voice_on = self.voice.enabled
        if maintenance is not None:  # a failed audio device is shown on the device page, not only logged
            self.cues.on_failure = self.voice.on_failure = maintenance.board.audio_failed
        self.screen_diagonal_in = config.kiosk.screen_diagonal_in if config is not None else 21.5
        self.sm: ScreenManager | None = None
        self.title = "婚姻登记自助服务"

    # --- kv helpers -------------------------------------------------------------------------------------------
    def tr(self, key: str, lang: str | None = None, **values) -> str:
        return tr(key, lang or self.lang, **values)

    def pick(self, texts, lang: str | None = None) -> str:
        return pick(texts, lang or self.lang)

    def tr_notice(self, code: str, lang: str | None = None) -> str:
        if not code:
            return ""
        return tr(code if code.startswith("printer_") else f"notice_{code}", lang or self.lang)

    def two(self, key: str, sub_key: str, lang: str, size: float) -> str:
        """A button text with a smaller second line (markup)."""
        return f"{tr(key, lang)}\n[size={int(size)}]{tr(sub_key, lang)}[/size]"

    # --- building ---------------------------------------------------------------------------------------------
    def build(self):
        fonts.register_default()
        from kiosk.ui import widgets  # noqa: F401  (registers the shared widget classes for the .kv files)

        Window.clearcolor = (0.04, 0.12, 0.23, 1)
        Window.bind(on_request_close=lambda *a, **k: True)  # lock-down: the kiosk is not closed from the UI
        Window.bind(on_flip=self._on_flip, size=self._on_size)
        offscreen.finish_each_frame(Window)
        Window.bind(on_touch_down=self._on_any_touch, on_key_down=self._on_key)
        Builder.load_file(str(KV_DIR / "widgets.kv"))
        # Only the first screen is built before the first frame; the others follow one a frame once the warm-up is
        # done (in the order an applicant meets them), or at once when the flow needs one sooner (quicker start).
        self.sm = Screens(transition=NoTransition())
        self.sm.make = _make_screen
        from kiosk.ui.widgets import Root

        root = Root()
        root.ids.body.add_widget(self.sm)
        if self.demo_controls is not None:
            from kiosk.ui.widgets import DemoStrip

            root.add_widget(DemoStrip(controls=self.demo_controls))
        self._on_size(Window, Window.size)
        self.shell.listeners.append(self.on_flow)
        self.multilingual = len(self.shell.env.languages) > 1
        self.show(self.shell.flow)
        threading.Thread(target=self._warm_up, daemon=True, name="ui-warm-up").start()
        Clock.schedule_interval(self._maintenance_tick, 1.0)
        self._start_watchdog()
        return root

    def on_start(self):
        from kiosk.ui.widgets import OfflineBanner

        # on the window, after the root: drawn over it, outside its layout
        self.banner = OfflineBanner()
        Window.add_widget(self.banner)

    def _screen_pieces(self) -> list:
        def build(name: str):
            return lambda: self.sm.has_screen(name) or self.sm.get_screen(name)

        return [build(s.value) for s in State]

    def _warm_up(self) -> None:
        """In a worker, started with the first screen. It holds the GIL in long stretches (pypinyin's tables), so
        touches answer slowly until it is done; then the cues load on the main thread and `ready` is set."""
        _load_for_first_card()
        Clock.schedule_once(self._warmed_up, 0)

    def _warmed_up(self, dt) -> None:
        self.cues.preload()
        # the screen the first touch leads to, and its prompt: the first applicant does not wait for them
        self.sm.get_screen(State.SERVICE_MENU.value)
        first = self.shell.env.languages[:1]
        for load in self.voice.preload_pieces(first, (State.SERVICE_MENU.value,)):
            load()
        self.ready = True
        # the other screens in the order an applicant meets them, then the start language's prompts (the other
        # language loads when asked, ~10 ms), one a frame while nobody touches
        self.idle_work.add(self._screen_pieces())
        self.idle_work.add(self.voice.preload_pieces(first))
        Clock.schedule_interval(lambda dt: self.idle_work.step(), 0)
        if self.pacing is not None:
            self.pacing.ui_ready.set()
            self.idle_work.on_done.append(self.pacing.ui_idle.set)

    # --- maintenance, systemd -------------------------------------------------------------------------------
    def _start_watchdog(self) -> None:
        from kiosk.maintenance.sdnotify import watchdog_interval_s

        every = watchdog_interval_s() if self.notifier is not None else None
        if every:
            # From the UI loop on purpose: a hung main thread stops the pings and systemd restarts us.
            Clock.schedule_interval(lambda dt: self.notifier.watchdog(), every)

    def _maintenance_tick(self, dt) -> None:
        m = self.maintenance
        if m is not None and m.tick() and self.shell.flow.state in MAINTENANCE_STATES:
            self.shell.post(Finish())

    def _on_key(self, window, key, scancode, codepoint, modifiers, *a):
        from kivy.core.window import Keyboard

        if self.entry_key and Keyboard.keycodes.get(self.entry_key) == key and self.shell.flow.state == State.ATTRACT:
            self.post(MaintenanceRequested(), touch=False)
            return True
        return False

    def apply_settings(self) -> None:
        """A technician's safe setting takes effect now (the walk-in quota is read per ticket by the runner)."""
        m = self.maintenance
        if m is None:
            return
        volume = m.settings.get("volume")
        if volume is not None:
            self.cues.volume = self.voice.volume = int(volume)
        idle = m.settings.get("idle_timeout_s")
        if idle:
            self.shell.seconds["idle_s"] = float(idle)
        languages = tuple(m.settings.get("languages") or ())
        if languages and languages != self.shell.env.languages:
            self.shell.env = replace(self.shell.env, languages=languages)
            self.multilingual = len(languages) > 1
            if self.shell.flow.session.language not in languages or self.shell.flow.session.is_empty:
                self.shell.post(SetLanguage(languages[0]))  # the next applicant starts in the first one

    def _on_size(self, window, size):
        w, h = size
        self.portrait = h >= w
        self.u = min(w, h) / 1080.0
        self.min_touch_px = touch_px(15.0, size, self.screen_diagonal_in)
        self._sizes()

    def on_large_text(self, *a):
        self._sizes()

    def _sizes(self):
        k = 1.3 if self.large_text else 1.0
        self.fs_body, self.fs_title = 40 * self.u * k, 60 * self.u * k
        self.fs_button, self.fs_huge = 46 * self.u * k, 240 * self.u
        self.button_h = max(48, self.min_touch_px, 120 * self.u * k)
        self.help_h = max(48, self.min_touch_px * 1.2, 92 * self.u)

    def _on_flip(self, *a):
        self.frames += 1
        if self.frames == 1 and self.notifier is not None:
            self.notifier.ready("first screen drawn")
        callbacks, self.flip_callbacks = self.flip_callbacks, []
        for cb in callbacks:
            cb()

    def _on_any_touch(self, window, touch):
        self.shell.touched()
        self.idle_work.touched()
        if self.maintenance is not None:
            self.maintenance.auth.touch()

    # --- the flow -----------------------------------------------------------------------------------------------
    def post(self, event: Event, touch: bool = True) -> None:
        """A screen's intent. Counts as a touch (re-arms the idle timer)."""
        if touch:
            self.touches += 1
            self.shell.touched()
            self.idle_work.touched()
        self.shell.post(event)

    def call_staff(self) -> None:
        self.post(CallStaff())

    def repeat_prompt(self) -> None:
        self.shell.touched()
        self.voice.repeat()

    def on_flow(self, old: Flow, new: Flow, event: Event) -> None:
        if old.state == State.MAINTENANCE and new.state not in MAINTENANCE_STATES and self.maintenance is not None:
            self.maintenance.auth.logout("idle" if isinstance(event, Idle) else "technician")
        if old.session is not new.session and new.session.is_empty and not old.session.is_empty:
            self.wipe()
        self.show(new)
        cue = self.cues.on_flow(old, new, event)  # after the screen: a sound never delays what is drawn
        # after the cue, never over it; and a frame after the screen, so it is drawn first
        self.voice.on_flow(old, new, event, delay=0.45 if cue else 0.05)

    def show(self, flow: Flow) -> None:
        self.lang = flow.session.language
        self.large_text = flow.session.large_text
        self.backend_online = flow.status.backend_online
        self.guided = flow.state in APPLICANT_STATES
        steps, step = journey_steps(flow, self.shell.env)
        if steps:  # hidden off the applicant screens, kept: no redraw per touch
            self.step = step
            if list(steps) != self.steps:
                self.steps = list(steps)
        self.assistance = flow.session.assistance
        if self.office is not None:
            self.office_name = self.pick(self.office.name.model_dump())
        screen = self.sm.get_screen(flow.state.value)
        screen.show(flow)
        if self.sm.current != flow.state.value:
            self.sm.current = flow.state.value

    def wipe(self) -> None:
        """Session over: every screen forgets what it showed (no name, number or face stays in a widget)."""
        for screen in self.sm.screens:
            screen.wipe()

    def on_stop(self):
        self.idle_work.cancel()
        self.voice.close()
        self.shell.close()


def touch_px(mm: float, size: tuple[int, int], diagonal_in: float) -> float:
    """Pixels in `mm` on a panel of `diagonal_in` inches showing `size` pixels (square pixels)."""
    w, h = size
    return mm / 25.4 * (w * w + h * h) ** 0.5 / diagonal_in


def _expand(path: str) -> str | None:
    import os

    return os.path.expandvars(os.path.expanduser(path)) if path else None


def _load_for_first_card() -> None:
    """Load what the first card would otherwise load on the main thread: the font's character map (rare-name
    fallback) and pypinyin's dictionaries."""
    try:
        fonts.covered()
        from kiosk.i18n import pinyin_of

        pinyin_of("张")
    except Exception:
        log.exception("warm-up failed")
