"""Start `kiosk --demo --headless` as systemd would (NOTIFY_SOCKET set, READY awaited), send it a stop signal and
watch it go: what it told systemd, its exit code, how long it took, and whether its bundled office server outlived
it. Used by tests/ui/test_shutdown.py (what must hold on any machine) and bench/bench_shutdown.py (how fast)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READY_PATIENCE_S = 120.0  # the demo's start (server, PKI, models) on a busy machine
STOP_PATIENCE_S = 15.0  # kiosk.service's TimeoutStopSec: systemd kills the kiosk after this


@dataclass
class Stopped:
    code: int | None  # None: still running after STOP_PATIENCE_S (then killed)
    took_s: float  # from the signal to the process gone
    notices: list[str] = field(default_factory=list)  # what it told systemd (READY=1, STOPPING=1, …)
    orphans: list[int] = field(default_factory=list)  # its children still alive after it exited
    stderr: str = ""


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stop_demo(work: Path, signum: int = signal.SIGTERM) -> Stopped:
    """One demo run in `work` (its HOME and notify socket), stopped by `signum` once READY."""
    sock_path = work / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(0.2)
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "KIVY_NO_ARGS": "1",
        "KIVY_NO_CONSOLELOG": "1",
        "HOME": str(work),
        "NOTIFY_SOCKET": str(sock_path),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli.kiosk_main", "--demo", "--headless"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    notices: list[str] = []

    def heard() -> bool:
        """Read one notice (False: none within the socket's timeout)."""
        try:
            notices.extend(sock.recv(4096).decode().splitlines())
            return True
        except socket.timeout:
            return False

    try:
        deadline = time.monotonic() + READY_PATIENCE_S
        while "READY=1" not in notices and time.monotonic() < deadline and proc.poll() is None:
            heard()
        if "READY=1" not in notices:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            raise RuntimeError("the demo never said READY=1: " + _tail(proc))
        server = _children_of(proc.pid)
        sent = time.monotonic()
        proc.send_signal(signum)
        try:
            code: int | None = proc.wait(timeout=STOP_PATIENCE_S)
        except subprocess.TimeoutExpired:
            code = None
        took = time.monotonic() - sent
        while heard():  # what it said on the way out
            pass
        if code is None:
            proc.kill()
            proc.wait()
        return Stopped(
            code,
            took,
            notices,
            [pid for pid in server if _alive(pid)],
            _tail(proc),
        )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sock.close()


def _tail(proc: subprocess.Popen) -> str:
    return proc.stderr.read().decode()[-2000:] if proc.stderr is not None else ""
