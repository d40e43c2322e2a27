"""The one wiring of the running kiosk, used by `kiosk`, the demo, the journeys and the benchmarks alike:
the parts (`wiring.bootstrap`: devices, office link, maintenance core, effect runner, probes, identity), the
shell around the flow, the Kivy app, metrics, sd_notify and memory trimming. Plain construction in dependency
order; nothing starts until `Assembly.start`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from kiosk.config import KioskConfig
from kiosk.flow.effects import PrintTicket

if TYPE_CHECKING:
    from kiosk.app.shell import Shell
    from kiosk.app.wiring import Parts
    from kiosk.services.identity.steps import Applicants
    from kiosk.maintenance.metrics import KioskCollector, MetricsServer
    from kiosk.maintenance.sdnotify import Notifier
    from kiosk.maintenance.wiring import LinkFigures
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)


class Restart:
    """The technician's restart: remembered (the process exits with EXIT_RESTART and systemd starts a fresh
    kiosk) and the UI loop ended from Kivy's clock. Built before the maintenance core that calls it."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self) -> None:
        from kivy.app import App
        from kivy.clock import Clock

        self.asked = True

        def stop(dt) -> None:
            app = App.get_running_app()
            if app is not None:
                app.stop()

        Clock.schedule_once(stop, 0)


@dataclass
class Assembly:
    config: KioskConfig
    parts: Parts
    shell: Shell
    app: KioskApp
    notifier: Notifier
    restart: Restart
    collector: KioskCollector  # the metrics' figures (served once started)
    figures: LinkFigures
    controls: object | None = None
    metrics: MetricsServer | None = field(default=None, repr=False)  # the endpoint, once started (None: off)
    _stopped: bool = field(default=False, repr=False)

    @property
    def maintenance(self):
        return self.parts.maintenance

    @property
    def restart_asked(self) -> bool:
        return self.restart.asked

    def start(self, probe_s: float = 5.0) -> None:
        from kiosk.maintenance.metrics import MetricsTls, start_or_log

        maintenance = self.config.maintenance
        self.metrics = start_or_log(maintenance.metrics_bind, self.collector, MetricsTls.from_config(maintenance))
        self.parts.start(probe_s)
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
        self.figures.stop()
        if self.metrics is not None:
            self.metrics.stop()
        self.parts.stop()
        self.shell.close()


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
    device_options: dict[str, dict] | None = None,
    people: Applicants | None = None,
    demo_controls: Callable[[Parts], object] | None = None,
) -> Assembly:
    """Build the whole kiosk for `config` (call after kivy_env.prepare). `demo_controls(parts)` makes the demo
    strip's controls (the harness's DemoControls) when the config asks for the strip; `people`: the demo's
    simulated applicants in front of the simulated camera and sensor."""
    from kiosk.app.shell import Shell, timer_seconds
    from kiosk.app.wiring import bootstrap
    from kiosk.maintenance.logs import KnownNames
    from kiosk.maintenance.metrics import KioskCollector
    from kiosk.maintenance.sdnotify import Notifier
    from kiosk.maintenance.wiring import LinkFigures, attach
    from kiosk.services.memory import give_back_after_sessions
    from kiosk.ui.app import ClockScheduler, KioskApp

    restart = Restart()
    parts = bootstrap(config, device_options=device_options, recent=recent, restart=restart, people=people)
    m, now = parts.maintenance, parts.clock_check.now  # the kiosk's clock, server-adjusted when it is off
    shell = Shell(parts.env, parts.runner, ClockScheduler(), timer_seconds(config), today=lambda: now().date())
    parts.events.attach(shell.post_threadsafe)
    give_back_after_sessions(shell)
    attach(shell, m, parts.tap, names or KnownNames())
    controls = demo_controls(parts) if demo_controls is not None and config.kiosk.demo_controls else None
    if controls is not None and hasattr(controls, "observe"):
        shell.observers.append(controls.observe)
    notifier = Notifier()
    app = KioskApp(
        shell,
        parts.identity,
        controls,
        office=parts.office,
        config=config,
        pacing=parts.pacing,
        maintenance=m,
        notifier=notifier,
        entry_key=config.maintenance.entry_key,
    )
    app.apply_settings()
    collector = KioskCollector(
        config.kiosk.id, parts.office.code, m.board, m.counters, lambda: m.auth.logged_in, kiosk_version()
    )
    figures = LinkFigures(
        m.board,
        parts.link,
        idcard=parts.devices.idcard,
        clock_check=parts.clock_check,
        rest_days=parts.env.rest_days,
        config=config,
    )
    return Assembly(config, parts, shell, app, notifier, restart, collector, figures, controls)
