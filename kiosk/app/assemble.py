"""The one wiring of the running kiosk, used by `kiosk`, the demo, the journeys and the benchmarks alike:
devices and services (`wiring.bootstrap`), the shell around the flow, the maintenance side, the Kivy app,
metrics, sd_notify and memory trimming. Nothing starts until `Assembly.start`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable
from kiosk.config import KioskConfig
from kiosk.flow.effects import PrintTicket

if TYPE_CHECKING:
    from kiosk.app.shell import Shell
    from kiosk.app.wiring import Kiosk
    from kiosk.services.identity.steps import Applicants
    from kiosk.maintenance.devices import DeviceBoard
    from kiosk.maintenance.core import Maintenance
    from kiosk.maintenance.metrics import MetricsServer
    from kiosk.maintenance.sdnotify import Notifier
    from kiosk.maintenance.wiring import LinkFigures
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)


@dataclass
class Assembly:
    config: KioskConfig
    kiosk: Kiosk
    shell: Shell
    app: KioskApp
    maintenance: Maintenance
    notifier: Notifier
    controls: object | None = None
    metrics: MetricsServer | None = None
    figures: LinkFigures | None = None
    restart_asked: bool = False
    _stopped: bool = field(default=False, repr=False)

    def start(self, **kiosk_options) -> None:
        from kiosk.maintenance.metrics import KioskCollector, MetricsTls, start_or_log
        from kiosk.maintenance.wiring import LinkFigures

        m, kiosk, config = self.maintenance, self.kiosk, self.config
        self.metrics = start_or_log(
            config.maintenance.metrics_bind,
            KioskCollector(
                config.kiosk.id, kiosk.office.code, m.board, m.counters, lambda: m.auth.logged_in, kiosk_version()
            ),
            MetricsTls.from_config(config.maintenance),
        )
        self.app.metrics = self.metrics
        self.figures = LinkFigures(m.board, kiosk)
        kiosk.start(self.shell.post_threadsafe, **kiosk_options)
        self.shell.watch_day()
        self.figures.start()

    def request_stop(self) -> None:
        """SIGTERM/SIGINT (from a signal handler, on the main thread): tell systemd, then end Kivy's loop from
        the Clock (App.stop must not run inside the frame the signal interrupted); `stop` follows app.run."""
        from kivy.clock import Clock

        self.notifier.stopping()
        Clock.schedule_once(lambda dt: self.app.stop(), 0)

    def stop(self, drain_s: float = 1.2) -> None:
        """Let a ticket already printing (or a check-in being sent) finish for up to `drain_s`, then close the
        devices, the office link and the journal."""
        if self._stopped:
            return
        self._stopped = True
        self.notifier.stopping()
        if self.shell.drain(drain_s):
            for effect in self.shell.running_effects():
                # the printer is closed under it: the job ends failed, as a paper-out would
                log.warning("shutdown_interrupted", extra={"effect": type(effect).__name__})
                if isinstance(effect, PrintTicket):
                    # the applicant may hold half a ticket or none: the number stays on the audit page, so a
                    # technician or registrar can reprint it (the server has issued it)
                    self.maintenance.audit.record(
                        "print_interrupted",
                        actor="kiosk",
                        number=str(effect.ticket.get("number", "")),
                        business=effect.business,
                    )
        if self.figures is not None:
            self.figures.stop()
        if self.metrics is not None:
            self.metrics.stop()
        self.kiosk.stop()
        self.shell.close()


def face_rate_to(board: DeviceBoard) -> Callable[[object], None]:
    """The identity steps' analysis rate (FaceRate notes) → the maintenance board."""
    from kiosk.services.identity.steps import FaceRate

    def note(n: object) -> None:
        if isinstance(n, FaceRate):
            board.face_rate(n.frames_per_s)

    return note


def kiosk_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("heyuan-marriage-kiosk")
    except PackageNotFoundError:
        return ""


def assemble(
    config: KioskConfig,
    *,
    names=None,
    recent=None,
    camera_options: dict | None = None,
    people: Applicants | None = None,
    demo_controls: Callable[[object], object] | None = None,
) -> Assembly:
    """Build the whole kiosk for `config` (call after kivy_env.prepare). `demo_controls(kiosk)` makes the demo
    strip's controls (the harness's DemoControls) when the config asks for the strip; `people`: the demo's
    simulated applicants in front of the simulated camera and sensor."""
    from kiosk.app.shell import Shell, timer_seconds
    from kiosk.app.wiring import bootstrap
    from kiosk.maintenance import wiring
    from kiosk.maintenance.logs import KnownNames
    from kiosk.maintenance.sdnotify import Notifier
    from kiosk.services.memory import give_back_after_sessions
    from kiosk.ui.app import ClockScheduler, KioskApp

    kiosk = bootstrap(
        config,
        camera_options=camera_options,
        open_camera=people.camera(config.devices.camera, camera_options) if people is not None else None,
        place_finger=people.place_finger if people is not None else None,
    )
    assert kiosk.clock_check is not None  # bootstrap sets it
    now = kiosk.clock_check.now  # the kiosk's clock, server-adjusted when it is off
    shell = Shell(kiosk.env, kiosk.runner, ClockScheduler(), timer_seconds(config), today=lambda: now().date())
    give_back_after_sessions(shell)
    holder: dict[str, Assembly] = {}

    def ask_restart() -> None:
        from kivy.clock import Clock

        holder["a"].restart_asked = True
        Clock.schedule_once(lambda dt: holder["a"].app.stop(), 0)

    m = wiring.wire(
        kiosk, shell, today=lambda: now().date(), names=names or KnownNames(), recent=recent, restart=ask_restart
    )
    # The walk-in quota: the technician's setting over today's counters, checked by the effect that issues tickets.
    kiosk.runner.walk_in_exhausted = wiring.quota_gate(m.settings, m.counters)
    kiosk.identity.watch(face_rate_to(m.board))  # the face step's analysis rate on the maintenance page, metrics
    controls = demo_controls(kiosk) if demo_controls is not None and config.kiosk.demo_controls else None
    if controls is not None and hasattr(controls, "observe"):
        shell.observers.append(controls.observe)
    notifier = Notifier()
    app = KioskApp(shell, kiosk, controls, maintenance=m, notifier=notifier, entry_key=config.maintenance.entry_key)
    app.apply_settings()
    holder["a"] = assembly = Assembly(config, kiosk, shell, app, m, notifier, controls)
    return assembly
