"""kiosk [--config FILE] [--demo]: run the kiosk. --demo (and start_bundled in the config) starts the reference
office server on loopback with today's seeded bookings, and uses the device simulators."""
from __future__ import annotations

import argparse
import atexit
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.config import DEFAULT_CONFIG, ConfigError, KioskConfig, load_kiosk_config

SIM_DEVICES = {"idcard": "sim://idcard", "scanner": "sim://scanner", "printer": "sim://printer",
               "camera": "sim://camera"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bundled_server(state_dir: Path, timeout_s: float = 20.0, kiosk_id: str = "demo-kiosk-01",
                         office: str = "441621") -> tuple[subprocess.Popen, str, Path]:
    """kiosk-office-server on a free loopback port with a fresh seeded database and mutual TLS: a throw-away CA in
    <db dir>/pki, made by the server at start with this kiosk's certificate; returns (process, url, db dir).
    `with_backend` then points a configuration at it, certificates included."""
    import requests

    port = free_port()
    db_dir = Path(tempfile.mkdtemp(prefix="office-demo-", dir=state_dir))
    pki = db_dir / "pki"
    proc = subprocess.Popen([sys.executable, "-m", "office", "--host", "127.0.0.1", "--port", str(port),
                             "--db", str(db_dir / "office.sqlite"), "--seed", "demo", "--tls-dir", str(pki),
                             "--demo-kiosk", f"{kiosk_id}@{office}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(Path(__file__).parents[2]))
    url = f"https://127.0.0.1:{port}"
    _BUNDLED[url] = (pki, kiosk_id)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"office server exited: {proc.stderr.read().decode(errors='replace')[-500:]}")
        try:
            tls = bundled_tls(url)
            if tls and requests.get(url + "/healthz", timeout=0.5, verify=tls["ca_file"],
                                    cert=(tls["client_cert"], tls["client_key"])).ok:
                return proc, url, db_dir
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("office server did not answer /healthz in time")


_BUNDLED: dict[str, tuple[Path, str]] = {}


def bundled_tls(url: str) -> dict | None:
    """The backend TLS settings for a bundled server's URL (its CA and the kiosk certificate made at start)."""
    if url not in _BUNDLED:
        return None
    pki, kiosk_id = _BUNDLED[url]
    files = {"ca_file": pki / "ca.crt", "client_cert": pki / "kiosks" / f"{kiosk_id}.crt",
             "client_key": pki / "kiosks" / f"{kiosk_id}.key"}
    return {k: str(v) for k, v in files.items()} if all(v.exists() for v in files.values()) else None


def stop_bundled_server(proc: subprocess.Popen, db_dir: Path) -> None:
    import shutil

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(db_dir, ignore_errors=True)


def demo_config(config: KioskConfig, ticket_pngs: bool = True) -> KioskConfig:
    """Simulators for every device (printed tickets rendered to PNGs in <state_dir>/tickets), the bundled server
    and the demo strip."""
    devices = dict(SIM_DEVICES)
    if ticket_pngs:
        devices["printer"] = f"sim://printer?out={config.state_dir / 'tickets'}"
    return config.model_copy(update={
        "devices": config.devices.model_copy(update=devices),
        "backend": config.backend.model_copy(update={"start_bundled": True}),
        "kiosk": config.kiosk.model_copy(update={"demo_controls": True}),
        # a desktop demo must not fight a real kiosk (or another demo) for the metrics port
        "maintenance": config.maintenance.model_copy(update={"metrics_bind": "127.0.0.1:0"}),
    })


def with_backend(config: KioskConfig, url: str) -> KioskConfig:
    return config.model_copy(update={"backend": config.backend.model_copy(update={"url": url,
                                                                                 **(bundled_tls(url) or {})})})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__)
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="kiosk configuration (TOML)")
    parser.add_argument("--demo", action="store_true", help="simulated devices + bundled office server + demo strip")
    parser.add_argument("--headless", action="store_true", help="render offscreen (no display; for checks)")
    parser.add_argument("--run-for", type=float, default=0, help="stop after this many seconds (checks)")
    parser.add_argument("--verbose", action="store_true", help="Kivy's log on the console")
    args = parser.parse_args(argv)
    from kiosk.services import memory

    memory.limit_arenas()           # before any thread starts
    try:
        config = load_kiosk_config(args.config)
    except ConfigError as e:
        sys.stderr.write(f"kiosk: configuration error: {e}\n")
        return 2
    if args.demo:
        config = demo_config(config)
    state_dir = config.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)

    from kiosk.ui import kivy_env

    k = config.kiosk
    size = None
    if args.demo and not k.fullscreen:
        # A desktop demo: half size fits a laptop screen; the layout scales with the window.
        w, h = kivy_env.SIZES[k.orientation]
        size = (w // 2, h // 2)
    kivy_env.prepare(state_dir / "kivy", orientation=k.orientation, fullscreen=k.fullscreen,
                     show_cursor=k.show_cursor, headless=args.headless, verbose=args.verbose, size=size)
    server = None
    if config.backend.start_bundled:
        try:
            proc, url, db_dir = start_bundled_server(state_dir, kiosk_id=config.kiosk.id, office=config.kiosk.office)
        except RuntimeError as e:
            sys.stderr.write(f"kiosk: {e}\n")
            return 1
        server = (proc, db_dir)
        atexit.register(stop_bundled_server, proc, db_dir)
        config = with_backend(config, url)
    from kiosk.errors import KioskError

    try:
        return run_kiosk(config, run_for=args.run_for)
    except ConfigError as e:
        sys.stderr.write(f"kiosk: configuration error: {e}\n")
        return 2
    except KioskError as e:        # e.g. a device URL no adapter understands
        sys.stderr.write(f"kiosk: {e}\n")
        return 1
    finally:
        if server is not None:
            stop_bundled_server(*server)


EXIT_RESTART = 75   # a technician asked for a restart: non-zero, so systemd (Restart=always) starts a fresh kiosk


def run_kiosk(config: KioskConfig, run_for: float = 0) -> int:
    from kiosk.bootstrap import bootstrap
    from kiosk.maintenance import wiring
    from kiosk.maintenance.logs import setup_logging
    from kiosk.maintenance.metrics import KioskCollector, MetricsTls, start_or_log
    from kiosk.maintenance.sdnotify import Notifier
    from kiosk.services.backend_status import local_now
    from kiosk.shell import Shell, timer_seconds
    from kiosk.ui.app import ClockScheduler, KioskApp

    names, recent = setup_logging()
    kiosk = bootstrap(config)
    shell = Shell(kiosk.env, kiosk.runner, ClockScheduler(), timer_seconds(config),
                  today=lambda: local_now().date())
    from kiosk.services.memory import give_back_after_sessions

    give_back_after_sessions(shell)
    restart = {"asked": False}
    holder: dict = {}

    def ask_restart() -> None:
        from kivy.clock import Clock
        restart["asked"] = True
        Clock.schedule_once(lambda dt: holder["app"].stop(), 0)

    m = wiring.wire(kiosk, shell, today=lambda: local_now().date(), names=names, recent=recent,
                    restart=ask_restart)
    controls = None
    if config.kiosk.demo_controls:
        from kiosk.ui.demo import DemoControls
        controls = DemoControls(kiosk)
    notifier = Notifier()
    app = KioskApp(shell, kiosk, controls, maintenance=m, notifier=notifier,
                   entry_key=config.maintenance.entry_key)
    holder["app"] = app
    app.apply_settings()
    from importlib.metadata import PackageNotFoundError, version
    try:
        kiosk_version = version("heyuan-marriage-kiosk")
    except PackageNotFoundError:
        kiosk_version = ""
    metrics = start_or_log(config.maintenance.metrics_bind,
                           KioskCollector(config.kiosk.id, kiosk.office.code, m.board, m.counters,
                                          lambda: m.auth.logged_in, kiosk_version),
                           MetricsTls.from_config(config.maintenance))
    app.metrics = metrics
    figures = wiring.LinkFigures(m.board, kiosk)
    if run_for:
        from kivy.clock import Clock
        Clock.schedule_once(lambda dt: app.stop(), run_for)
    kiosk.start(shell.post_threadsafe)
    figures.start()
    try:
        app.run()
    finally:
        notifier.stopping()
        figures.stop()
        if metrics is not None:
            metrics.stop()
        kiosk.stop()
        shell.close()
    return EXIT_RESTART if restart["asked"] else 0


if __name__ == "__main__":
    sys.exit(main())
