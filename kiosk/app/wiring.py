"""One `bootstrap(config)`: builds the kiosk's parts in the order they need each other, each constructed with what
it needs — the event relay, the devices, the office link (client + offline journal), the maintenance core, the
effect runner, the probes and the identity parts (face engine, camera, fingerprint). Nothing starts until
`Parts.start`; the shell attaches to the relay once it is built (kiosk.app.assemble).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from kiosk.app.devices import Devices
from kiosk.app.pacing import START_QUIET_S, StartupPacing, spawn
from kiosk.app.probes import Probes
from kiosk.app.relay import EventRelay
from kiosk.config import KioskConfig, load_offices, load_policies, load_policy, load_rest_days
from kiosk.flow import FlowEnv
from kiosk.services.backend_status import local_now

if TYPE_CHECKING:
    from kiosk.domain.offices import OfficeConfig
    from kiosk.maintenance.core import Maintenance
    from kiosk.maintenance.wiring import DeviceTap
    from kiosk.services.clock_check import ClockCheck
    from kiosk.services.effects import EffectRunner
    from kiosk.maintenance.devices import DeviceBoard
    from kiosk.services.identity.steps import Applicants, IdentitySteps, Note
    from kiosk.services.office_link import OfficeLink

log = logging.getLogger(__name__)
FACE_LATEST_S = 8.0


class FaceModels:
    """Loads the face models for the identity steps once the first screen is up and the UI is quiet (the face
    screens wait for them), so a (re)start draws its first screen sooner."""

    def __init__(self, identity: IdentitySteps, pacing: StartupPacing) -> None:
        self.identity, self.pacing = identity, pacing
        self._loader: threading.Thread | None = None

    def start(self) -> None:
        self._loader = spawn(self._load)

    def stop(self) -> None:
        if self._loader is not None:
            # OpenCV aborts the process if it exits while a thread is inside a model load (≈ 0.3 s)
            self._loader.join(1.0)

    def _load(self) -> None:
        if not self.identity.face.enabled:
            return
        self.pacing.ui_ready.wait(START_QUIET_S)
        # ~0.5 s holding the GIL: after start-up's UI work and a quiet moment, unless an applicant keeps the
        # kiosk busy (the face screens wait for the models; nobody reaches them within seconds of a start)
        self.pacing.ui_idle.wait(FACE_LATEST_S)
        if not self.pacing.stopping.is_set():
            self.identity.load_engine()


@dataclass(frozen=True)
class Parts:
    """What `bootstrap` built, by job. The shell, the app and the harnesses take the parts they need from here;
    the parts themselves know only what they were constructed with."""

    config: KioskConfig
    env: FlowEnv
    office: OfficeConfig
    clock_check: ClockCheck  # the time the kiosk states (server-adjusted if the system clock is off)
    events: EventRelay  # device, link and probe events → the shell (attached by the assembly)
    pacing: StartupPacing  # first screen first: what waits for it, and the ticket fonts' warm-up
    devices: Devices  # ID card reader, QR scanner, printer
    link: OfficeLink  # office client, offline journal, forwarder, bookings cache
    maintenance: Maintenance  # the technician's core (no Kivy): login, audit, counters, board, settings
    tap: DeviceTap  # the self-tests' wait for the next card or code (a shell observer)
    runner: EffectRunner  # carries out the flow's effects
    probes: Probes  # office reachable, clock synchronised, printer state
    identity: IdentitySteps  # face capture and fingerprint: the runner's identity effects
    face_models: FaceModels  # the face engine, loaded after the first screen

    def start(self, probe_s: float = 5.0) -> None:
        """Start the devices, the office link, the probes and the work that waits for the first screen."""
        self.devices.start()
        self.link.start()
        self.probes.start(probe_s)
        self.identity.start(self.events.post)
        self.face_models.start()
        self.pacing.start()

    def stop(self) -> None:
        self.pacing.stop()  # every probe and waiting loader ends
        self.face_models.stop()
        self.identity.stop()
        self.devices.stop()
        try:
            self.link.stop(timeout=1.0)  # a shutdown must end within systemd's patience (3 s in all)
            self.link.journal.close()  # every entry is already committed (synchronous=FULL)
        except Exception:
            log.exception("stopping the office link failed")


def _office(config: KioskConfig, offices: dict) -> OfficeConfig:
    from kiosk.config import ConfigError
    from kiosk.domain.ticket import offline_share

    office = offices.get(config.kiosk.office)
    if office is None:
        raise ConfigError("config", "kiosk.office", f"no office file for '{config.kiosk.office}'")
    if config.backend.start_bundled:  # the demo: its bundled server issues at any hour (--open-all-day), so do we
        from kiosk.domain.hours import demo_office

        office = offices[office.code] = demo_office(office)
    for business, ticket_range in office.tickets.items():
        try:
            offline_share(ticket_range, config.kiosk.offline_share)
        except ValueError as e:
            raise ConfigError("config", "kiosk.offline_share", f"{business}: {e}") from None
    return office


def face_rate_to(board: DeviceBoard) -> Callable[[Note], None]:
    """The identity steps' analysis rate (FaceRate notes) → the maintenance board."""
    from kiosk.services.identity.steps import FaceRate

    def note(n: Note) -> None:
        if isinstance(n, FaceRate):
            board.face_rate(n.frames_per_s)

    return note


def bootstrap(
    config: KioskConfig,
    *,
    clock=local_now,
    device_options: dict[str, dict] | None = None,
    recent=None,
    restart: Callable[[], None] | None = None,
    people: Applicants | None = None,
) -> Parts:
    """Build the kiosk from its configuration (no device I/O, no network until Parts.start()).
    `device_options`: extra driver options by kind ("camera": the simulated camera's fps in the journeys);
    `recent`: the log lines the technician reads; `restart`: the technician's restart (kiosk.app.assemble);
    `people`: the demo's simulated applicants in front of the simulated camera and sensor (kiosk.harness.people)."""
    from kiosk.maintenance import wiring as maintenance
    from kiosk.services.clock_check import ClockCheck
    from kiosk.services.effects import EffectRunner
    from kiosk.services.identity import FaceVerifier, reference_from_config
    from kiosk.services.identity.fingerprint import card_fingerprints_from_config
    from kiosk.services.identity.steps import IdentitySteps, configured_camera
    from kiosk.services.office_link import OfficeLink

    offices = load_offices()
    office = _office(config, offices)
    check = ClockCheck(clock)  # from here on, `clock` is the time the kiosk states (server-adjusted if off)
    clock = check.now
    today = clock().date()
    policy = load_policy(config.kiosk.policy, on=today)
    policies = load_policies() if config.kiosk.policy == "auto" else ()  # the flow picks by the day it decides on
    fingerprint = card_fingerprints_from_config(config)
    env = FlowEnv(
        policy,
        offices,
        office.code,
        today,
        config.face.enabled,
        tuple(config.kiosk.languages),
        policies,
        load_rest_days(installed=config.holidays_dir),
        face_attempts=config.face.attempts,
        fingerprint=fingerprint is not None,
    )
    events, pacing = EventRelay(), StartupPacing()
    link = OfficeLink.from_config(
        config, office, on_change=events.backend_changed, on_date=check.observe_date, clock=clock
    )
    options = device_options or {}
    devices = Devices.from_config(config, events, on_card=link.warm, options=options)
    camera_url, camera_options = config.devices.camera, dict(options.get("camera", {}))
    m, tap = maintenance.build(
        config,
        office=office,
        link=link,
        devices=devices,
        policy=policy,
        camera=(camera_url, camera_options),
        fingerprint=fingerprint is not None,
        today=lambda: clock().date(),
        recent=recent,
        restart=restart,
    )
    # The walk-in quota: the technician's setting over today's counters, checked by the effect that issues tickets.
    identity = IdentitySteps(
        config.face,
        people.camera(camera_url, camera_options)
        if people is not None
        else configured_camera(camera_url, camera_options),
        FaceVerifier(reference_from_config(config, link.client), config.face.match_threshold),
        fingerprint,
        people.place_finger if people is not None else None,
    )
    identity.watch(face_rate_to(m.board))  # the face step's analysis rate on the maintenance page and in metrics
    runner = EffectRunner(
        link,
        devices.printer,
        office,
        policy,
        clock,
        walk_in_exhausted=maintenance.quota_gate(m.settings, m.counters),
        identity=identity,
    )
    return Parts(
        config,
        env,
        office,
        check,
        events,
        pacing,
        devices,
        link,
        m,
        tap,
        runner,
        Probes(link.client, check, devices, events, pacing),
        identity,
        FaceModels(identity, pacing),
    )
