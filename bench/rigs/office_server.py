"""Run the real office server on loopback inside this process (tests, benchmarks, fault suite), with mutual TLS:
a throw-away PKI is made at start and clients get certificates on demand (`client_files`, `session`)."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path


class RunningServer:
    def __init__(self, server, thread: threading.Thread, backend, port: int, pki_dir: Path):
        self._server, self._thread, self.backend, self.port = server, thread, backend, port
        self.pki_dir = pki_dir
        self.url = f"https://127.0.0.1:{port}"
        self._issued: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def client_files(self, role: str = "kiosk", name: str = "k1", office: str = "441621") -> tuple[str, str, str]:
        """(ca_file, cert, key) for a caller, issued on first use."""
        from office import pki

        with self._lock:
            if (role, name, office) not in self._issued:
                pki.issue(self.pki_dir, role, name, office)
                self._issued.add((role, name, office))
        return pki.client_files(self.pki_dir, role, name)

    def session(self, role: str = "kiosk", name: str = "k1", office: str = "441621"):
        """A requests session presenting that caller's certificate."""
        import requests

        ca, cert, key = self.client_files(role, name, office)
        s = requests.Session()
        s.trust_env = False
        s.verify, s.cert = ca, (cert, key)
        return s

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# One bookings secret for every server this process starts: the offline list's scrypt hashes (≈ 40 ms a party)
# are then computed once per process, not once per test server.
_BOOKINGS_SECRET = os.urandom(32)


def serve_in_thread(
    db: Path | str,
    clock,
    seed: str | None = "demo",
    port: int = 0,
    offices_dir: Path | str | None = None,
    pki_dir: Path | str | None = None,
    warm: tuple[str, ...] = ("441621",),
    limits=None,
    **build_options,
) -> RunningServer:
    """Start uvicorn on 127.0.0.1 (port 0 → a free one) with HTTPS and client certificates required, and return
    once it accepts connections. The PKI goes in `pki_dir` (made if missing; default a temporary directory);
    `limits`: the connections' deadlines (office.tls.ConnectionLimits). The bookings of the offices in `warm` are
    hashed before it returns (as the real server does in the background), so a kiosk's first list fetch does not
    wait for them."""
    import uvicorn

    from office import pki
    from office.__main__ import build, uvicorn_config

    pki_dir = Path(pki_dir or tempfile.mkdtemp(prefix="office-pki-"))
    if not (pki_dir / "ca.key").exists():
        pki.init(pki_dir)
    app, backend = build(db, clock, seed, offices_dir, tls_dir=pki_dir, **build_options)
    with backend.store.write() as conn:
        conn.execute("UPDATE secrets SET value=? WHERE name='bookings'", (_BOOKINGS_SECRET,))
    backend.warm_matches(warm)
    server = uvicorn.Server(
        uvicorn_config(
            app, "127.0.0.1", port, pki_dir, log_level="critical", limits=limits, timeout_graceful_shutdown=1
        )
    )
    thread = threading.Thread(target=server.run, name="office-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the office server did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(server, thread, backend, bound, pki_dir)
