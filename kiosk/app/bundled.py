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

SIM_DEVICES = {"idcard": "sim://idcard", "scanner": "sim://scanner", "printer": "sim://printer",
               "camera": "sim://camera"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bundled_server(state_dir: Path, timeout_s: float = 20.0) -> tuple[subprocess.Popen, str, Path]:
    """kiosk-office-server on a free loopback port with a fresh seeded database; returns (process, url, db dir)."""
    import requests

    port = free_port()
    db_dir = Path(tempfile.mkdtemp(prefix="office-demo-", dir=state_dir))
    proc = subprocess.Popen([sys.executable, "-m", "office", "--host", "127.0.0.1", "--port", str(port),
                             "--db", str(db_dir / "office.sqlite"), "--seed", "demo"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(db_dir))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"office server exited: {proc.stderr.read().decode(errors='replace')[-500:]}")
        try:
            if requests.get(url + "/healthz", timeout=0.5).ok:
                return proc, url, db_dir
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("office server did not answer /healthz in time")


def stop_bundled_server(proc: subprocess.Popen, db_dir: Path) -> None:
    import shutil

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(1.5)
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
    return config.model_copy(update={"backend": config.backend.model_copy(update={"url": url})})
