"""kiosk [--config FILE] [--demo]: run the kiosk. --demo (and start_bundled in the config) starts the reference
office server on loopback with today's seeded bookings, and uses the device simulators."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import signal
import sys
import threading

from kiosk.app.bundled import (
    bureau_page,
    demo_config,
    start_bundled_server,
    stop_bundled_server,
    tickets_dir,
    with_backend,
)
from kiosk.config import DEFAULT_CONFIG, ConfigError, KioskConfig, load_kiosk_config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__)
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="kiosk configuration (TOML)")
    parser.add_argument("--demo", action="store_true", help="simulated devices + bundled office server + demo strip")
    parser.add_argument("--headless", action="store_true", help="render offscreen (no display; for checks)")
    parser.add_argument("--run-for", type=float, default=0, help="stop after this many seconds (checks)")
    parser.add_argument("--verbose", action="store_true", help="Kivy's log on the console")
    args = parser.parse_args(argv)
    # Until the app runs, SIGTERM/SIGINT unwind the start-up (so the bundled server is stopped too).
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stop_during_startup)
    try:
        code = _main(args)
    except Stopped:
        code = 0
    if _signalled:
        # Everything is closed and committed by now; skip the interpreter's slow teardown (≈ 2 s of freeing
        # Kivy, OpenCV and model memory) so systemd sees the exit well within its bound.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _print_lobby(url: str, office: str) -> None:
    """The office's side in a browser: the counter console and the waiting-room display of the bundled server."""
    from kiosk.app.bundled import browser_certificates

    try:
        pages = browser_certificates(url, office)
    except (RuntimeError, OSError, ValueError) as e:
        sys.stderr.write(f"kiosk demo: no browser certificates for the lobby pages: {e}\n")
        return
    for p in pages:
        what = "counter console (柜台)" if p["role"] == "counter" else "waiting-room display (叫号屏)"
        print(
            f"kiosk demo: {what} {p['url']} — import {p['p12']} into the browser (passphrase {p['passphrase']};"
            " office/README.md says how), then accept the server's certificate",
            flush=True,
        )


def _main(args) -> int:
    from kiosk.services import memory

    memory.limit_arenas()  # before any thread starts
    try:
        config = load_kiosk_config(args.config)
    except ConfigError as e:
        sys.stderr.write(f"kiosk: configuration error: {e}\n")
        return 2
    demo_pin = None
    if args.demo:
        from kiosk.maintenance.pin import new_demo_pin

        demo_pin = new_demo_pin()
        config = demo_config(config, demo_pin=demo_pin)
    state_dir = config.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    if demo_pin is not None:
        print(
            f"kiosk demo: technician side — tap the office name on the start screen 5 times, PIN {demo_pin}"
            " (this run only)\n"
            f"kiosk demo: printed tickets are saved as PNG files in {tickets_dir(config)}",
            flush=True,
        )

    from kiosk.ui import kivy_env

    k = config.kiosk
    size = None
    if args.demo and not k.fullscreen:
        # A desktop demo: half size fits a laptop screen; the layout scales with the window.
        w, h = kivy_env.SIZES[k.orientation]
        size = (w // 2, h // 2)
    kivy_env.prepare(
        state_dir / "kivy",
        orientation=k.orientation,
        fullscreen=k.fullscreen,
        show_cursor=k.show_cursor,
        headless=args.headless,
        verbose=args.verbose,
        size=size,
    )
    server = None
    if config.backend.start_bundled:
        try:
            proc, url, db_dir = start_bundled_server(state_dir, kiosk_id=config.kiosk.id, office=config.kiosk.office)
        except RuntimeError as e:
            sys.stderr.write(f"kiosk: {e}\n")
            return 1
        server = (proc, db_dir)
        if demo_pin is not None:
            page = bureau_page(url)
            print(
                f"kiosk demo: the city bureau's booking advice (synthetic history) is at {page['url']} with the"
                f" bureau certificate {page['client_cert']} (key {page['client_key']}, CA {page['ca_file']});"
                f" e.g. curl --cacert {page['ca_file']} --cert {page['client_cert']} --key {page['client_key']}"
                f" {page['url']}advice.csv",
                flush=True,
            )
        atexit.register(stop_bundled_server, proc, db_dir)
        _exit_hooks.append(proc.kill)
        config = with_backend(config, url)
        if args.demo:
            _print_lobby(url, config.kiosk.office)
    from kiosk.errors import KioskError

    try:
        return run_kiosk(config, run_for=args.run_for, demo_pin=demo_pin)
    except ConfigError as e:
        sys.stderr.write(f"kiosk: configuration error: {e}\n")
        return 2
    except KioskError as e:  # e.g. a device URL no adapter understands
        sys.stderr.write(f"kiosk: {e}\n")
        return 1
    finally:
        if server is not None:
            stop_bundled_server(*server)


EXIT_RESTART = 75  # a technician asked for a restart: non-zero, so systemd (Restart=always) starts a fresh kiosk
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
STOP_BOUND_S = 2.8  # systemd and the issue ask for an exit within 3 s of SIGTERM


class Stopped(BaseException):
    """SIGTERM/SIGINT before the UI loop runs."""


def _stop_during_startup(signum, frame):
    global _signalled
    _signalled = True
    raise Stopped()


def _stop_soon(assembly) -> None:
    """SIGTERM/SIGINT while the UI runs: STOPPING=1, end Kivy's loop from its Clock, and make sure the process
    is gone within the bound even if something hangs on the way out."""

    def handler(signum, frame):
        if getattr(handler, "fired", False):
            return
        handler.fired = True
        global _signalled
        _signalled = True
        assembly.request_stop()
        timer = threading.Timer(STOP_BOUND_S, _give_up)
        timer.daemon = True
        timer.start()

    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)


def _give_up() -> None:
    sys.stderr.write("kiosk: shutdown did not finish in time; exiting\n")
    for stop in _exit_hooks:
        try:
            stop()
        except Exception:
            pass
    os._exit(1)


_signalled = False  # a stop signal arrived
_exit_hooks: list = []  # run before a forced exit (the bundled server must not outlive the kiosk)


def run_kiosk(config: KioskConfig, run_for: float = 0, demo_pin: str | None = None) -> int:
    from kiosk.app.assemble import assemble
    from kiosk.maintenance.logs import setup_logging

    from kiosk.harness.demo import DemoControls
    from kiosk.harness.people import SimulatedApplicants

    names, recent = setup_logging()
    people = SimulatedApplicants() if config.kiosk.demo_controls else None  # the demo's made-up applicants
    a = assemble(
        config,
        names=names,
        recent=recent,
        people=people,
        demo_controls=lambda parts: DemoControls(parts, people or SimulatedApplicants(), demo_pin=demo_pin),
    )
    _stop_soon(a)
    if demo_pin is not None:  # the demo only: what the window shows, for tests/window (KIOSK_DEMO_PROBE)
        from kiosk.harness import probe

        probe.start(a.app, a.parts.link)
    if run_for:
        from kivy.clock import Clock

        Clock.schedule_once(lambda dt: a.app.stop(), run_for)
    a.start()
    try:
        a.app.run()
    finally:
        a.stop()
    return EXIT_RESTART if a.restart_asked else 0


if __name__ == "__main__":
    sys.exit(main())
