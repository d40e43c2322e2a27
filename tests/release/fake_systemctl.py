"""A stand-in `systemctl` for the installer's cycle test: just enough of systemd for one Type=notify unit.

`restart [--no-block] UNIT` (re)starts a supervisor that runs the unit's ExecStart (without the cage compositor)
with NOTIFY_SOCKET and the unit's credentials (LoadCredentialEncrypted= decrypted by the `systemd-creds` on PATH,
SetCredential= as the default when the file is missing) in $CREDENTIALS_DIRECTORY, marks the unit active once READY=1
arrives, restarts the program when it exits (Restart=always,
counting NRestarts) and stops it with SIGTERM. `show UNIT -p NAME…` prints the state as systemctl does.
Everything lives in $FAKE_SYSTEMD (state file, notify socket, calls log); the unit is read from $FAKE_SYSTEMD_ROOT.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

STATE = Path(os.environ["FAKE_SYSTEMD"])
ROOT = Path(os.environ["FAKE_SYSTEMD_ROOT"])
RESTART_SEC = float(os.environ.get("FAKE_RESTART_SEC", "0.3"))
STOP_TIMEOUT_S = 15.0


def write_state(**values) -> None:
    tmp = STATE / "state.json.tmp"
    tmp.write_text(json.dumps(values))
    tmp.replace(STATE / "state.json")


def read_state() -> dict:
    try:
        return json.loads((STATE / "state.json").read_text())
    except (OSError, ValueError):
        return {"ActiveState": "inactive", "SubState": "dead", "NRestarts": 0, "MainPID": 0}


def unit_command(unit: str) -> tuple[list[str], dict[str, str], str | None]:
    argv, env, cwd = [], {}, None
    for line in (ROOT / "etc/systemd/system" / unit).read_text().splitlines():
        key, _, value = line.partition("=")
        if key in ("LoadCredentialEncrypted", "SetCredential"):
            env.setdefault(f"_{key}", "")
            env[f"_{key}"] += value + "\n"
        elif key == "ExecStart":
            argv = shlex.split(value)
            if "--" in argv:  # /usr/bin/cage -- PROGRAM …
                argv = argv[argv.index("--") + 1 :]
        elif key == "Environment":
            name, _, v = value.partition("=")
            env[name] = v
        elif key == "WorkingDirectory":
            cwd = value
    return argv, env, cwd


def credentials(unit_env: dict[str, str]) -> Path:
    """The unit's credentials as systemd hands them over, or SystemExit when one can be neither loaded nor
    defaulted (systemd then refuses to start the unit)."""
    out = STATE / "credentials"
    if out.exists():
        for f in out.iterdir():
            f.unlink()
    out.mkdir(mode=0o700, exist_ok=True)
    defaults = dict(line.split(":", 1) for line in unit_env.pop("_SetCredential", "").splitlines() if line)
    for line in unit_env.pop("_LoadCredentialEncrypted", "").splitlines():
        name, _, path = line.partition(":")
        if path and Path(path).exists():
            if subprocess.run(["systemd-creds", "decrypt", path, str(out / name)]).returncode != 0:
                raise SystemExit(f"credential {name}: cannot decrypt {path}")
        elif name in defaults:
            (out / name).write_text(defaults[name])
        else:
            raise SystemExit(f"credential {name}: {path} missing")
    return out


def supervise(unit: str) -> None:
    argv, unit_env, cwd = unit_command(unit)
    try:
        creds = credentials(unit_env)
    except SystemExit as e:
        (STATE / "fake.err").open("a").write(f"{e}\n")
        write_state(ActiveState="failed", SubState="failed", NRestarts=0, MainPID=0)
        return
    unit_env["CREDENTIALS_DIRECTORY"] = str(creds)
    sock_path = STATE / "notify.sock"
    sock_path.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(0.1)
    env = {**os.environ, **unit_env, "NOTIFY_SOCKET": str(sock_path)}
    # The test's own display and Kivy settings win over the unit's (there is no cage here).
    for name in ("KIVY_HOME", "SDL_VIDEODRIVER", "KIVY_NO_CONSOLELOG"):
        if name in os.environ:
            env[name] = os.environ[name]
    stopping = False

    def on_term(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    restarts = 0
    log = open(STATE / "kiosk.log", "ab")
    while not stopping:
        child = subprocess.Popen(argv, env=env, cwd=cwd if cwd and Path(cwd).is_dir() else None, stdout=log, stderr=log)
        write_state(ActiveState="activating", SubState="start", NRestarts=restarts, MainPID=child.pid)
        ready = False
        while child.poll() is None and not stopping:
            try:
                data = sock.recv(4096).decode(errors="replace").splitlines()
            except socket.timeout:
                continue
            if "READY=1" in data and not ready:
                ready = True
                write_state(ActiveState="active", SubState="running", NRestarts=restarts, MainPID=child.pid)
            if "STOPPING=1" in data:
                (STATE / "stopping-notified").touch()
        if stopping:
            child.send_signal(signal.SIGTERM)
            try:
                code = child.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                child.kill()
                code = "killed"
            with open(STATE / "stops.log", "a") as f:
                f.write(f"{code}\n")
            break
        restarts += 1
        write_state(ActiveState="activating", SubState="auto-restart", NRestarts=restarts, MainPID=0)
        time.sleep(RESTART_SEC)
    write_state(ActiveState="inactive", SubState="dead", NRestarts=restarts, MainPID=0)
    sock.close()


def stop() -> None:
    pid_file = STATE / "supervisor.pid"
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        return
    deadline = time.monotonic() + STOP_TIMEOUT_S + 5
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.05)
    pid_file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start(unit: str, block: bool) -> int:
    write_state(ActiveState="activating", SubState="start", NRestarts=0, MainPID=0)
    proc = subprocess.Popen(
        [sys.executable, __file__, "_supervise", unit],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(STATE / "fake.err", "ab"),
    )
    (STATE / "supervisor.pid").write_text(str(proc.pid))
    if not block:
        return 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if read_state()["ActiveState"] == "active":
            return 0
        time.sleep(0.1)
    return 1


def main(argv: list[str]) -> int:
    STATE.mkdir(parents=True, exist_ok=True)
    with open(STATE / "calls.log", "a") as f:
        f.write(" ".join(argv) + "\n")
    if argv and argv[0] == "_supervise":
        supervise(argv[1])
        return 0
    args = [a for a in argv if a not in ("--no-block", "--quiet", "-q")]
    block = "--no-block" not in argv
    verb = args[0] if args else ""
    if verb in ("daemon-reload", "enable", "disable", "set-default"):
        return 0
    if verb in ("restart", "start"):
        stop()
        return start(args[1], block)
    if verb == "stop":
        stop()
        return 0
    if verb == "is-active":
        state = read_state()["ActiveState"]
        print(state)
        return 0 if state == "active" else 3
    if verb == "show":
        state = read_state()
        names = [args[i + 1] for i, a in enumerate(args) if a == "-p"]
        for name in names or state:
            print(f"{name}={state.get(name, '')}")
        return 0
    print(f"fake systemctl: unsupported {argv}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
