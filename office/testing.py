"""Run the real office server on loopback inside this process (tests, benchmarks, the headless journey)."""
from __future__ import annotations

import threading
import time
from pathlib import Path


class RunningServer:
    def __init__(self, server, thread: threading.Thread, backend, port: int):
        self._server, self._thread, self.backend, self.port = server, thread, backend, port
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve_in_thread(db: Path | str, clock, seed: str | None = "demo", port: int = 0,
                    offices_dir: Path | str | None = None) -> RunningServer:
    """Start uvicorn on 127.0.0.1 (port 0 → a free one) and return once it accepts connections."""
    import uvicorn

    from office.__main__ import build

    app, backend = build(db, clock, seed, offices_dir)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                           access_log=False, timeout_graceful_shutdown=1, date_header=False))
    thread = threading.Thread(target=server.run, name="office-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the office server did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(server, thread, backend, bound)
