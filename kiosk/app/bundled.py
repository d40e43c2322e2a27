"""The demo's wiring: simulated devices, and the reference office server started as a child process on a free
loopback port with a fresh seeded database (the kiosk never imports the server; it talks HTTP to it)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.config import KioskConfig

OFFICE_DEMO_PREFIX = "office-demo-"  # the bundled server's folder in the kiosk's state dir (its database, its PKI)

SIM_DEVICES = {
    "idcard": "sim://idcard",
    "scanner": "sim://scanner",
    "printer": "sim://printer",
    "camera": "sim://camera",
    "fingerprint": "sim://fingerprint",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bundled_server(
    state_dir: Path, timeout_s: float = 20.0, kiosk_id: str = "demo-kiosk-01", office: str = "441621"
) -> tuple[subprocess.Popen, str, Path]:
    """kiosk-office-server on a free loopback port with a fresh seeded database and mutual TLS: a throw-away CA in
    <db dir>/pki, made by the server at start with this kiosk's certificate; returns (process, url, db dir).
    `with_backend` then points a configuration at it, certificates included."""
    import requests

    port = free_port()
    db_dir = Path(tempfile.mkdtemp(prefix=OFFICE_DEMO_PREFIX, dir=state_dir))
    pki = db_dir / "pki"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "office",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            str(db_dir / "office.sqlite"),
            "--seed",
            "demo",
            "--open-all-day",  # the demo kiosk's office issues at any hour too (bootstrap: demo_office)
            "--tls-dir",
            str(pki),
            "--demo-kiosk",
            f"{kiosk_id}@{office}",
            "--demo-bureau",
            DEMO_BUREAU,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=str(db_dir),
    )
    url = f"https://127.0.0.1:{port}"
    remember_bundled(url, pki, kiosk_id)
    _publish(state_dir, url, pki, kiosk_id, proc.pid)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr is not None else b""  # a pipe: see Popen above
            raise RuntimeError(f"office server exited: {err.decode(errors='replace')[-500:]}")
        try:
            tls = bundled_tls(url)
            if (
                tls
                and requests.get(
                    url + "/healthz", timeout=0.5, verify=tls["ca_file"], cert=(tls["client_cert"], tls["client_key"])
                ).ok
            ):
                return proc, url, db_dir
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("office server did not answer /healthz in time")


_BUNDLED: dict[str, tuple[Path, str]] = {}
DEMO_BUREAU = "demo-bureau"  # the bureau certificate the bundled server makes at start (all offices)


def remember_bundled(url: str, pki: Path, kiosk_id: str) -> None:
    """A bundled server started elsewhere (e.g. by a parent process): its PKI folder and this kiosk's name."""
    _BUNDLED[url] = (Path(pki), kiosk_id)


def bundled_pki(url: str) -> Path:
    """The PKI folder (with its CA key) of the bundled server at `url`: tools issue further certificates there."""
    return _BUNDLED[url][0]


def bureau_page(url: str) -> dict:
    """The bundled server's bureau page and the demo bureau certificate made at start (for a browser or curl)."""
    pki = _BUNDLED[url][0]
    return {
        "url": url + "/bureau/",
        "ca_file": str(pki / "ca.crt"),
        "client_cert": str(pki / "bureaus" / f"{DEMO_BUREAU}.crt"),
        "client_key": str(pki / "bureaus" / f"{DEMO_BUREAU}.key"),
    }


def bundled_tls(url: str) -> dict | None:
    """The backend TLS settings for a bundled server's URL (its CA and the kiosk certificate made at start)."""
    if url not in _BUNDLED:
        return None
    pki, kiosk_id = _BUNDLED[url]
    files = {
        "ca_file": pki / "ca.crt",
        "client_cert": pki / "kiosks" / f"{kiosk_id}.crt",
        "client_key": pki / "kiosks" / f"{kiosk_id}.key",
    }
    return {k: str(v) for k, v in files.items()} if all(v.exists() for v in files.values()) else None


def browser_certificates(url: str, office: str) -> list[dict]:
    """The lobby's pages of a bundled server for a newcomer's browser: a counter (window-1) and a display (tv1)
    certificate from its CA, each also as a passphrase-protected PKCS#12 to import (`pki issue --p12`, run as
    the server's own command). Each: page URL, p12 file, passphrase."""
    import json

    pages = []
    for role, name, page in (("counter", "window-1", "/counter/"), ("display", "tv1", "/display/")):
        done = subprocess.run(
            [sys.executable, "-m", "office", "pki", "issue", "--dir", str(bundled_pki(url)), "--role", role]
            + ["--name", name, "--office", office, "--p12"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"office pki issue: {done.stderr.strip()[-300:]}")
        issued = json.loads(done.stdout)
        pages.append({"url": url + page, "p12": issued["p12"], "passphrase": issued["passphrase"], "role": role})
    return pages


BUNDLED_FILE = "bundled-server.json"  # in the state dir while a demo's bundled server runs: tools find it there


def _publish(state_dir: Path, url: str, pki: Path, kiosk_id: str, pid: int) -> None:
    """Tell the technician's tools (`kiosk-diag backend ping`) where this demo's server is and how to talk to it.
    Only paths: the key files stay where they are (0600, in the state dir)."""
    import json

    (Path(state_dir) / BUNDLED_FILE).write_text(
        json.dumps({"url": url, "pki": str(pki), "kiosk_id": kiosk_id, "pid": pid}), encoding="utf-8"
    )


def running_bundled(state_dir: Path) -> dict | None:
    """The demo server another process started (its URL and TLS files), if it is still running."""
    import json
    import os

    try:
        found = json.loads((Path(state_dir) / BUNDLED_FILE).read_text(encoding="utf-8"))
        os.kill(int(found["pid"]), 0)  # still there?
    except (OSError, ValueError, KeyError, TypeError):
        return None
    remember_bundled(found["url"], Path(found["pki"]), found["kiosk_id"])
    tls = bundled_tls(found["url"])
    return {"url": found["url"], **tls} if tls else None


def stop_bundled_server(proc: subprocess.Popen, db_dir: Path) -> None:
    import shutil

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(1.5)
        except subprocess.TimeoutExpired:
            proc.kill()
    shutil.rmtree(db_dir, ignore_errors=True)
    published = db_dir.parent / BUNDLED_FILE
    try:
        import json

        if json.loads(published.read_text(encoding="utf-8")).get("pid") == proc.pid:
            published.unlink()
    except (OSError, ValueError):
        pass


def tickets_dir(config: KioskConfig) -> Path:
    """Where the demo's printer simulator saves each printed ticket as a PNG."""
    return config.state_dir / "tickets"


def demo_config(config: KioskConfig, ticket_pngs: bool = True, demo_pin: str | None = None) -> KioskConfig:
    """Simulators for every device (printed tickets rendered to PNGs in <state_dir>/tickets), the bundled server
    and the demo strip. With `demo_pin`, that PIN (this run's, from pin.new_demo_pin) opens the technician side
    instead of the configured one; it exists only in this in-memory copy of the configuration."""
    devices = dict(SIM_DEVICES)
    if not config.devices.wlt_library:  # the stand-in decoder for the card simulator's photos (built if missing)
        from drivers.standin import build_or_empty

        devices["wlt_library"] = build_or_empty("wlt")
    if not config.devices.fingerprint_matcher:  # and the stand-in matcher for its fingerprint records
        from drivers.standin import build_or_empty

        devices["fingerprint_matcher"] = build_or_empty("fp_matcher")
    if ticket_pngs:
        devices["printer"] = f"sim://printer?out={tickets_dir(config)}"
    maintenance = {"metrics_bind": "127.0.0.1:0"}
    if demo_pin is not None:
        from kiosk.maintenance.pin import DEMO_LOG2_N, hash_pin

        maintenance["pin_hash"] = hash_pin(demo_pin, log2_n=DEMO_LOG2_N)
    return config.model_copy(
        update={
            "devices": config.devices.model_copy(update=devices),
            "backend": config.backend.model_copy(update={"start_bundled": True}),
            "kiosk": config.kiosk.model_copy(update={"demo_controls": True}),
            # a desktop demo must not fight a real kiosk (or another demo) for the metrics port
            "maintenance": config.maintenance.model_copy(update=maintenance),
        }
    )


def with_backend(config: KioskConfig, url: str) -> KioskConfig:
    return config.model_copy(
        update={"backend": config.backend.model_copy(update={"url": url, **(bundled_tls(url) or {})})}
    )
