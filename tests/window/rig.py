"""`kiosk --demo` in a real SDL window on Xvfb, driven by xdotool as a person would, read through the demo's probe
(kiosk/harness/probe.py). Screenshots of the real X framebuffer go to ARTIFACTS (git-ignored)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("KIOSK_WINDOW_ARTIFACTS", REPO / "artifacts" / "window"))
TITLE = "婚姻登记自助服务"


def missing_tools() -> list[str]:
    return [t for t in ("Xvfb", "xdotool", "xwininfo") if shutil.which(t) is None]


class Stuck(AssertionError):
    pass


class Xvfb:
    def __init__(self, size: str = "1280x1024x24"):
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as f:
            number = f.readline().strip()  # written once the server accepts clients
        if not number:
            self.proc.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Hog:
    """Busy loops on every core (as a kiosk's CPU sometimes is), at the kiosk's own priority."""

    def __init__(self, cores: int | None = None):
        n = cores or os.cpu_count() or 2
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]

    def stop(self) -> None:
        for p in self.procs:
            p.kill()
            p.wait()


class Window:
    def __init__(self, xvfb: Xvfb, home: Path, artifacts: Path):
        self.display, self.home, self.artifacts = xvfb.display, home, artifacts
        self.probe_path = home / "probe.sock"
        env = dict(os.environ)
        for k in ("SDL_VIDEODRIVER", "KIVY_NO_ARGS", "KIVY_WINDOW"):
            env.pop(k, None)
        env.update(
            DISPLAY=self.display,
            HOME=str(home),
            KIVY_HOME=str(home / "kivy"),
            KIVY_NO_ARGS="1",
            KIVY_NO_CONSOLELOG="1",
            SDL_AUDIODRIVER="dummy",
            KIOSK_DEMO_PROBE=str(self.probe_path),
        )
        self.log = open(home / "kiosk.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli.kiosk_main", "--demo"],
            env=env,
            cwd=str(home),
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        self.pin = ""
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:  # the PIN line comes first
            m = re.search(rb"PIN (\d{6})", raw)
            if m:
                self.pin = m.group(1).decode()
                break
        self.origin = (0, 0)
        self.shots = 0
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if not self.log.closed:
                self.log.write(line)

    # --- reading the screen --------------------------------------------------------------------------------
    def tree(self) -> dict:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(15)
            s.connect(str(self.probe_path))
            s.sendall(b"tree\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data)

    def wait(self, test, what: str, timeout: float = 30.0) -> dict:
        """Poll the screen until `test(tree)` holds (a condition, never a fixed sleep)."""
        deadline = time.monotonic() + timeout
        last: dict = {}
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Stuck(f"kiosk exited ({self.proc.returncode}) waiting for {what}")
            try:
                last = self.tree()
            except (OSError, ValueError):
                last = {}
            if last and "error" not in last and test(last):
                return last
            time.sleep(0.1)
        self.shot(f"stuck-{re.sub(r'[^a-z0-9]+', '-', what.lower())[:40]}")
        raise Stuck(f"timed out waiting for {what}; state {last.get('state')}, texts {texts(last)[:12]}")

    def wait_state(self, state: str, timeout: float = 30.0) -> dict:
        """The flow in `state`, nothing in progress, and its screen the one drawn (the switch finished)."""
        return self.wait(
            lambda t: t["state"] == state and t["screen"] == state and not t["busy"], f"state {state}", timeout
        )

    # --- input, as a person's ------------------------------------------------------------------------------
    def find_window(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        env = dict(os.environ, DISPLAY=self.display)
        while time.monotonic() < deadline:
            tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True).stdout
            for line in tree.splitlines():
                m = re.search(r"\s\+(-?\d+)\+(-?\d+)\s*$", line)
                if f'"{TITLE}"' in line and m:
                    self.origin = (int(m.group(1)), int(m.group(2)))
                    return
            time.sleep(0.2)
        raise Stuck("no kiosk window on the X display")

    def touch(self, widget: dict) -> None:
        x = self.origin[0] + widget["x"] + widget["w"] // 2
        y = self.origin[1] + widget["y"] + widget["h"] // 2
        self._xdotool("mousemove", str(x), str(y), "click", "1")

    def press(self, tree: dict | None = None, **match) -> dict:
        """Touch the one enabled widget drawn now that matches (id=…, text=…, cls=…), once it has stopped moving
        (a screen just shown is laid out over a frame or two)."""
        widget, rect = None, None
        for _ in range(50):
            tree = self.tree()
            widget = self.find(tree, **match)
            now = None if widget is None else (widget["x"], widget["y"], widget["w"], widget["h"])
            if now is not None and now == rect and not widget["disabled"]:
                self.touch(widget)
                return widget
            rect = now
            time.sleep(0.1)
        raise Stuck(f"nothing to touch matching {match}; texts {texts(tree or {})[:15]}")

    def to_start(self) -> None:
        """Back to the start screen: cancel, finish or log out, as staff would."""
        if self.proc.poll() is not None:
            return
        for _ in range(4):
            tree = self.tree()
            if tree.get("state") == "attract":
                return
            for match in ({"id": "finish"}, {"id": "leave"}, {"cls": "KButton", "text": "取消"}):
                widget = self.find(tree, **match)
                if widget is not None and not widget["disabled"]:
                    self.touch(widget)
                    break
            try:
                self.wait_state("attract", timeout=10)
                return
            except Stuck:
                continue

    def go(self, state: str, timeout: float = 30.0, **match) -> dict:
        """Touch, then wait for `state`; a touch that did not land (the screen still the same) is repeated, as a
        person taps again."""
        before = self.tree()["state"]
        for _ in range(3):
            self.press(**match)
            try:
                return self.wait_state(state, timeout=min(timeout, 8.0))
            except Stuck:
                if self.tree()["state"] != before:
                    return self.wait_state(state, timeout=timeout)
        return self.wait_state(state, timeout=timeout)

    @staticmethod
    def find(tree: dict, **match) -> dict | None:
        found = [w for w in tree.get("widgets", ()) if all(w.get(k) == v for k, v in match.items())]
        return found[-1] if found else None  # the topmost (drawn last)

    def _xdotool(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(
            ["xdotool", *args], env=dict(os.environ, DISPLAY=self.display), capture_output=True, text=True, timeout=20
        )
        if check and r.returncode != 0:
            raise Stuck(f"xdotool {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    # --- artefacts -----------------------------------------------------------------------------------------
    def shot(self, name: str) -> Path:
        """The real X framebuffer around the kiosk window, as a PNG."""
        from PIL import ImageGrab

        tree = {}
        try:
            tree = self.tree()
        except (OSError, ValueError):
            pass
        w, h = tree.get("window", (540, 960))
        self.shots += 1
        path = self.artifacts / f"{self.shots:02d}-{name}.png"
        image = ImageGrab.grab(xdisplay=self.display)
        x, y = self.origin
        image.crop((x, y, x + w, y + h)).save(path)
        return path

    def stop(self) -> float:
        """SIGTERM; returns how long the kiosk took to exit."""
        started = time.monotonic()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        return time.monotonic() - started


def texts(tree: dict) -> list[str]:
    return [w["text"] for w in tree.get("widgets", ()) if w.get("text")]
