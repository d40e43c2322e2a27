"""Demo only: what the real window shows, for a test that drives it from outside (tests/window).

`kiosk --demo` with KIOSK_DEMO_PROBE=PATH answers on a Unix socket at PATH: each line received ("tree") gets one
JSON line back — the flow's state, whether the office server is judged up, and every widget drawn now (class,
id, text, position in window pixels from the top left, disabled). Read-only: input comes from outside, as a
person's would (xdotool), never through this channel. A kiosk started without --demo never opens it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from pathlib import Path

log = logging.getLogger(__name__)
ENV = "KIOSK_DEMO_PROBE"


def start(app, link) -> threading.Thread | None:
    """Serve the probe if KIOSK_DEMO_PROBE names a socket path (call for the demo only)."""
    path = os.environ.get(ENV, "")
    if not path:
        return None
    Path(path).unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o600)
    server.listen(2)
    thread = threading.Thread(target=_serve, args=(server, app, link), name="demo-probe", daemon=True)
    thread.start()
    log.info("demo probe listening")
    return thread


def _serve(server: socket.socket, app, link) -> None:
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_answer, args=(conn, app, link), daemon=True).start()


def _answer(conn: socket.socket, app, link) -> None:
    with conn, conn.makefile("rw", encoding="utf-8") as f:
        for line in f:
            if line.strip() != "tree":
                f.write(json.dumps({"error": "ask 'tree'"}) + "\n")
            else:
                f.write(json.dumps(_on_main_thread(lambda: snapshot(app, link))) + "\n")
            f.flush()


def _on_main_thread(fn, timeout: float = 10.0):
    from kivy.clock import Clock

    done, box = threading.Event(), {}

    def run(dt):
        try:
            box["value"] = fn()
        except Exception as e:  # a probe must never take the kiosk down
            box["value"] = {"error": repr(e)}
        done.set()

    Clock.schedule_once(run, 0)
    return box["value"] if done.wait(timeout) else {"error": "the UI thread did not answer in time"}


def snapshot(app, link) -> dict:
    from kivy.core.window import Window

    names: dict[int, str] = {}
    widgets = []
    height = Window.height
    for top in list(Window.children)[::-1]:  # drawing order: the root first, overlays after
        for w in _shown(top):
            for name, child in getattr(w, "ids", {}).items():
                names.setdefault(id(child), name)
            x, y = w.to_window(*w.pos)
            item = {
                "cls": type(w).__name__,
                "x": round(x),
                "y": round(height - y - w.height),
                "w": round(w.width),
                "h": round(w.height),
                "disabled": bool(w.disabled),
            }
            text = getattr(w, "text", None)
            if isinstance(text, str):
                item["text"] = text
            widgets.append((w, item))
    for w, item in widgets:  # the ids hold each widget's proxy_ref
        name = names.get(id(w.proxy_ref))
        if name is not None:
            item["id"] = name
    shell = app.shell
    status = link.status
    sm = app.sm
    return {
        "state": shell.flow.state.value,
        # the screen drawn for it, once the screen manager has finished the switch (None while it switches)
        "screen": sm.current if sm is not None and not sm.transition.is_active else None,
        "busy": bool(shell.busy),
        "backend_online": bool(app.backend_online),
        "backend_changes": status.changes,
        "backend_reason": status.reason,
        "verification": [c.as_dict() for c in shell.flow.session.verification],
        "window": [Window.width, Window.height],
        "widgets": [item for _w, item in widgets],
    }


def _shown(top):
    """Widgets drawn now: not hidden (opacity 0) themselves or through a parent, nor sized away."""
    stack = [top]
    while stack:
        w = stack.pop()
        if w.opacity <= 0 or w.width <= 0 or w.height <= 0:
            continue
        yield w
        stack.extend(w.children)
