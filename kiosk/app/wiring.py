"""One `bootstrap(config)`: wires the configured devices (real or simulated, through drivers.registry), the office
link (client + offline journal), the face engine and the effect runner. Nothing starts until `Kiosk.start`.

Device events are translated into flow events here and handed to a sink (the shell's thread-safe post).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

from kiosk.config import KioskConfig, load_offices, load_policies, load_policy, load_rest_days
from kiosk.flow import events as ev
from kiosk.flow import FlowEnv
from kiosk.services.backend_status import local_now

if TYPE_CHECKING:
    from drivers.idcard.port import IdCardReader
    from drivers.printer.port import PrinterPort
    from drivers.scanner.port import Scanner
    from kiosk.domain.offices import OfficeConfig
    from kiosk.services.clock_check import ClockCheck
    from kiosk.services.effects import EffectRunner
    from kiosk.services.identity.steps import IdentitySteps, OpenCamera, PlaceFinger
    from kiosk.services.office_link import OfficeLink

log = logging.getLogger(__name__)
Sink = Callable[[ev.Event], None]
# Work that can wait (font preloading, the first printer query) waits this long so the first screen comes first.
START_QUIET_S = 3.0
FACE_LATEST_S = 8.0


def device_event_table() -> dict[type, Callable[[str, object], ev.Event]]:
    """Driver event type → the flow event it becomes (given the device's name): the one place they meet."""
    from drivers.idcard.port import CardRead, CardRemoved, ReaderFault, ReaderRecovered
    from drivers.scanner.port import Scan, ScannerFault, ScannerRecovered

    def fault(name, e):
        return ev.DeviceFault(name, getattr(e, "reason", ""))

    def recovered(name, e):
        return ev.DeviceRecovered(name)

    return {
        CardRead: lambda name, e: ev.CardRead(e.record),
        CardRemoved: lambda name, e: ev.CardRemoved(),
        Scan: lambda name, e: ev.QrScanned(e.payload),
        ReaderFault: fault,
        ScannerFault: fault,
        ReaderRecovered: recovered,
        ScannerRecovered: recovered,
    }


@dataclass
class Kiosk:
    config: KioskConfig
    env: FlowEnv
    office: OfficeConfig
    idcard: IdCardReader | None
    scanner: Scanner | None
    printer: PrinterPort | None
    camera_url: str
    link: OfficeLink
    runner: EffectRunner
    identity: IdentitySteps  # face capture and fingerprint (the runner's identity effects)
    clock_check: ClockCheck | None = None  # the time the kiosk states
    # Set by the UI once its first screen is up and warmed: the face models load after it (the face screens
    # wait for them), so a (re)start draws its first screen sooner.
    ui_ready: threading.Event = field(default_factory=threading.Event)
    # Set by the UI when its own start-up work is done and nobody touched it for a while: the ticket fonts load
    # after it (~0.2 s holding the GIL), so a first applicant's touches do not wait for them.
    ui_idle: threading.Event = field(default_factory=threading.Event)
    fonts_warm: threading.Event = field(default_factory=threading.Event)  # the ticket fonts loaded (or given up)
    _sink: Sink | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list = field(default_factory=list)
    _offline_url: str = ""
    _face_loader: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------------------------
    def start(self, sink: Sink, probe_s: float = 5.0) -> None:
        """Start devices, the office link and the health probe; events go to `sink` (any thread)."""
        self._sink = sink
        self.identity.start(sink)
        for name, device in (("idcard", self.idcard), ("scanner", self.scanner)):
            if device is None:
                continue
            try:
                device.start(self._device_listener(name))
            except Exception as e:  # a device that cannot start is a fault, not a crash
                log.warning("%s did not start: %s", name, type(e).__name__)
                sink(ev.DeviceFault(name, type(e).__name__))
        self.link.start()
        self._spawn(self._probe_backend, probe_s)
        self._spawn(self._probe_clock, 300.0)
        self._spawn(self._probe_printer, 15.0)
        self._face_loader = self._spawn(self._load_face_engine)
        self._spawn(self._warm_up_ticket_fonts)

    def stop(self) -> None:
        self._stop.set()
        self.ui_ready.set()  # a face-model loader or the font warm-up still waiting gives up now
        self.ui_idle.set()
        if self._face_loader is not None:
            # OpenCV aborts the process if it exits while a thread is inside a model load (≈ 0.3 s)
            self._face_loader.join(1.0)
        for device in (self.idcard, self.scanner):
            if device is not None:
                try:
                    device.stop()
                except Exception:
                    log.exception("stopping a device failed")
        if self.printer is not None:
            try:
                self.printer.close()
            except Exception:
                log.exception("closing the printer failed")
        try:
            self.link.stop(timeout=1.0)  # a shutdown must end within systemd's patience (3 s in all)
            self.link.journal.close()  # every entry is already committed (synchronous=FULL)
        except Exception:
            log.exception("stopping the office link failed")
        self.identity.stop()

    def _spawn(self, target, *args) -> threading.Thread:
        t = threading.Thread(target=target, args=args, daemon=True, name=target.__name__.strip("_"))
        t.start()
        self._threads.append(t)
        return t

    # --- device events → flow events ----------------------------------------------------------------------------
    def _device_listener(self, name: str):
        table = device_event_table()

        def on_event(event) -> None:
            translate = table.get(type(event))
            number = getattr(getattr(event, "record", None), "id_number", None)
            if number and self.link is not None:
                self.link.warm(number)  # the booking's hash of this card, before the flow compares it
            if translate is not None:
                self._emit(translate(name, event))

        return on_event

    def _emit(self, event: ev.Event) -> None:
        if self._sink is not None:
            self._sink(event)

    def backend_changed(self, up: bool, reason: str = "") -> None:
        self._emit(ev.BackendUp() if up else ev.BackendDown())

    def _probe_backend(self, every_s: float) -> None:
        while not self._stop.is_set():
            try:
                self.link.client.health()
            except Exception:
                pass  # the client has reported the failure to BackendStatus
            self._stop.wait(every_s)

    def _probe_clock(self, every_s: float) -> None:
        """Is the operating system's clock synchronised? (timedatectl / chronyc; a subprocess, so a thread)"""
        if self.clock_check is None or not self._after_start(30.0):
            return
        while True:
            try:
                self.clock_check.probe_system()
            except Exception as e:
                log.info("clock synchronisation not read: %s", type(e).__name__)
            if self._stop.wait(every_s):
                return

    def _probe_printer(self, every_s: float) -> None:
        """The printer's state for the maintenance screen and alerts (paper out is also caught per job)."""
        last = None
        if not self._after_start(10.0):
            return
        while True:  # first soon after start: opens the port early and shows the printer's state from the start
            status = self.printer_status()
            if status != last:
                last = status
                self._emit(status)
            if self._stop.wait(every_s):
                return

    def _after_start(self, latest_s: float) -> bool:
        """Wait for start-up to be over: START_QUIET_S, then the UI's own start-up work done in a quiet moment
        (kiosk.ui.idle), or `latest_s` if there is no UI or an applicant keeps it busy. False: stopping."""
        if self._stop.wait(START_QUIET_S):
            return False
        self.ui_idle.wait(latest_s)
        return not self._stop.is_set()

    def _warm_up_ticket_fonts(self) -> None:
        if not self._after_start(60.0):
            return
        try:
            from drivers.printer.fonts import warm_up

            warm_up()
        except Exception as e:  # the first ticket will load them itself
            log.warning("ticket fonts not preloaded: %s", type(e).__name__)
        finally:
            self.fonts_warm.set()

    def _load_face_engine(self) -> None:
        if not self.config.face.enabled:
            return
        self.ui_ready.wait(START_QUIET_S)
        # ~0.5 s holding the GIL: after start-up's UI work and a quiet moment, unless an applicant keeps the
        # kiosk busy (the face screens wait for the models; nobody reaches them within seconds of a start)
        self.ui_idle.wait(FACE_LATEST_S)
        if not self._stop.is_set():
            self.identity.load_engine()

    def printer_status(self) -> ev.PrinterReport:
        """Ask the printer (blocking; call from a worker)."""
        if self.printer is None:
            return ev.PrinterReport(False, "not_responding")
        try:
            s = self.printer.status()
        except Exception:
            return ev.PrinterReport(False, "not_responding")
        return ev.PrinterReport(s.clean, "" if s.clean else s.state)

    # --- demo: cut the network ---------------------------------------------------------------------------------
    @property
    def network_cut(self) -> bool:
        return bool(self._offline_url)

    def cut_network(self, cut: bool = True) -> None:
        """Point the client at a closed loopback port (as if the cable were pulled), or back."""
        client = self.link.client
        if cut and not self._offline_url:
            self._offline_url, client.base_url = client.base_url, "http://127.0.0.1:9"
        elif not cut and self._offline_url:
            client.base_url, self._offline_url = self._offline_url, ""
        threading.Thread(target=self._probe_once, daemon=True).start()

    def _probe_once(self) -> None:
        try:
            self.link.client.health()
        except Exception:
            pass


def _create(kind: str, url: str, **options: Any) -> Any:
    from drivers.registry import create

    if url.strip() in ("", "none"):
        return None
    return create(kind, url, **options)


def bootstrap(
    config: KioskConfig,
    *,
    clock=local_now,
    camera_options: dict[str, object] | None = None,
    open_camera: OpenCamera | None = None,
    place_finger: PlaceFinger | None = None,
) -> Kiosk:
    """Build the kiosk from its configuration (no device I/O, no network until start()). `open_camera` and
    `place_finger`: the demo's simulated applicants (kiosk.harness.people); by default the configured camera."""
    from kiosk.domain.ticket import offline_share
    from kiosk.services.clock_check import ClockCheck
    from kiosk.services.effects import EffectRunner
    from kiosk.services.office_link import OfficeLink

    offices = load_offices()
    office = offices.get(config.kiosk.office)
    if office is None:
        from kiosk.config import ConfigError

        raise ConfigError("config", "kiosk.office", f"no office file for '{config.kiosk.office}'")
    if config.backend.start_bundled:  # the demo: its bundled server issues at any hour (--open-all-day), so do we
        from kiosk.domain.hours import demo_office

        office = offices[office.code] = demo_office(office)
    for business, ticket_range in office.tickets.items():
        try:
            offline_share(ticket_range, config.kiosk.offline_share)
        except ValueError as e:
            from kiosk.config import ConfigError

            raise ConfigError("config", "kiosk.offline_share", f"{business}: {e}") from None
    check = ClockCheck(clock)  # from here on, `clock` is the time the kiosk states (server-adjusted if off)
    clock = check.now
    today = clock().date()
    policy = load_policy(config.kiosk.policy, on=today)
    policies = load_policies() if config.kiosk.policy == "auto" else ()  # the flow picks by the day it decides on
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
    )
    d = config.devices
    # The card's photo bytes stay raw in the record; the identity service decodes them (devices.wlt_library).
    idcard = _create("idcard", d.idcard, **({"read_fingerprints": True} if d.fingerprint not in ("", "none") else {}))
    scanner = _create("scanner", d.scanner)
    printer = _create(
        "printer",
        d.printer,
        paper_width_mm=config.printer.paper_width_mm,
        native_qr=config.printer.native_qr,
        max_job_age_s=config.printer.max_job_age_s,
    )
    holder: dict = {}
    link = OfficeLink.from_config(
        config, office, on_change=lambda up, reason: holder["kiosk"].backend_changed(up, reason), clock=clock
    )
    link.client.on_date = check.observe_date
    from kiosk.services.identity import FaceVerifier, reference_from_config
    from kiosk.services.identity.fingerprint import card_fingerprints_from_config
    from kiosk.services.identity.steps import IdentitySteps, configured_camera

    verifier = FaceVerifier(reference_from_config(config, link.client), config.face.match_threshold)
    fingerprint = card_fingerprints_from_config(config)
    env = replace(env, fingerprint=fingerprint is not None)
    identity = IdentitySteps(
        config.face,
        open_camera or configured_camera(d.camera, camera_options),
        verifier,
        fingerprint,
        place_finger,
    )
    runner = EffectRunner(link, printer, office, policy, clock, identity=identity)
    kiosk = Kiosk(
        config,
        env,
        office,
        idcard,
        scanner,
        printer,
        d.camera,
        link,
        runner,
        identity,
        clock_check=check,
    )
    holder["kiosk"] = kiosk
    return kiosk
