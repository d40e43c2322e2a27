"""SIGTERM/SIGINT on a running kiosk: STOPPING=1, exit 0 within 3 s, and nothing left running (the bundled
office server included). The kiosk is started as systemd would: NOTIFY_SOCKET set, READY awaited."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui.conftest import REPO


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow  # the whole demo started and signalled
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_the_demo_cleanly_within_3_s(tmp_path, signum):
    sock_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(0.2)
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "KIVY_NO_ARGS": "1",
        "KIVY_NO_CONSOLELOG": "1",
        "HOME": str(tmp_path),
        "NOTIFY_SOCKET": str(sock_path),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli.kiosk_main", "--demo", "--headless"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while "READY=1" not in seen and time.monotonic() < deadline and proc.poll() is None:
            try:
                seen += sock.recv(4096).decode().splitlines()
            except socket.timeout:
                pass
        assert "READY=1" in seen, proc.stderr.read().decode()[-2000:] if proc.poll() is not None else "no READY"
        server = children_of(proc.pid)
        assert server, "the bundled office server runs as the kiosk's child"
        sent = time.monotonic()
        proc.send_signal(signum)
        code = proc.wait(timeout=10)
        took = time.monotonic() - sent
        while True:
            try:
                seen += sock.recv(4096).decode().splitlines()
            except socket.timeout:
                break
        assert code == 0, proc.stderr.read().decode()[-2000:]
        assert took <= 3.0, f"exit took {took:.2f} s"
        assert "STOPPING=1" in seen
        assert not [pid for pid in server if alive(pid)], "the bundled office server outlived the kiosk"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sock.close()
