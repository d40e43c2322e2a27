"""Run the real office server on loopback inside this process (tests, benchmarks, fault suite), with mutual TLS:
a throw-away PKI is made at start and clients get certificates on demand (`client_files`, `session`).

Tests share one running server (and its PKI) per session: `serving` swaps in a fresh database and backend for
each test, so no test pays for a TLS server's start and graceful shutdown."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

# No test or benchmark waits for a straggling keep-alive connection at shutdown (uvicorn's default: until closed).
GRACEFUL_SHUTDOWN_S = 0.2


class CurrentApp:
    """The ASGI app the server hands each request to; `RunningServer.serving` replaces it per test."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


class RunningServer:
    def __init__(self, server, thread: threading.Thread, current: CurrentApp, backend, port: int, pki_dir: Path):
        self._server, self._thread, self._current, self.backend, self.port = server, thread, current, backend, port
        self.pki_dir = pki_dir
        self.url = f"https://127.0.0.1:{port}"
        self._issued: dict[tuple[str, str], str] = {}  # (role, name) → the office in its certificate
        self._sessions: list = []
        self._lock = threading.Lock()

    def client_files(self, role: str = "kiosk", name: str = "k1", office: str = "441621") -> tuple[str, str, str]:
        """(ca_file, cert, key) for a caller, issued on first use (again if asked for another office)."""
        from office import pki

        with self._lock:
            if self._issued.get((role, name)) != office:
                pki.issue(self.pki_dir, role, name, office)
                self._issued[role, name] = office
        return pki.client_files(self.pki_dir, role, name)

    def session(self, role: str = "kiosk", name: str = "k1", office: str = "441621"):
        """A requests session presenting that caller's certificate (closed with the test or the server)."""
        import requests

        ca, cert, key = self.client_files(role, name, office)
        s = requests.Session()
        s.trust_env = False
        s.verify, s.cert = ca, (cert, key)
        with self._lock:
            self._sessions.append(s)
        return s

    @contextmanager
    def serving(self, db: Path | str, clock, seed: str | None = "demo", offices_dir=None, **build_options):
        """This server answering from a fresh database and backend (`office.assemble.build`) until the block
        ends; the listening socket and the PKI stay."""
        app, backend = build_office(db, clock, seed, offices_dir, self.pki_dir, **build_options)
        with self.answering(app):
            before, self.backend = self.backend, backend
            try:
                yield self
            finally:
                self.backend = before

    @contextmanager
    def answering(self, app):
        """This server handing its requests to `app` until the block ends."""
        before, self._current.app = self._current.app, app
        try:
            yield self
        finally:
            self._close_sessions()
            self._current.app = before

    def _close_sessions(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            s.close()

    def stop(self) -> None:
        self._close_sessions()  # an idle keep-alive connection would hold the graceful shutdown
        self._server.should_exit = True
        self._thread.join(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# One bookings secret for every server this process starts: the offline list's scrypt hashes (≈ 40 ms a party)
# are then computed once per process, not once per test server.
_BOOKINGS_SECRET = os.urandom(32)


def build_office(
    db: Path | str, clock, seed: str | None, offices_dir, pki_dir: Path, warm: tuple[str, ...] = ("441621",), **options
):
    """The app and backend of a test or benchmark server (`office.assemble.build`), whichever way it is served.
    The bookings of the offices in `warm` are hashed before it returns (as the real server does in the
    background), so a kiosk's first list fetch does not wait for them."""
    from office.assemble import build

    app, backend = build(db, clock, seed, offices_dir, tls_dir=pki_dir, **options)
    with backend.store.write() as conn:
        conn.execute("UPDATE secrets SET value=? WHERE name='bookings'", (_BOOKINGS_SECRET,))
    backend.warm_matches(warm)
    return app, backend


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
    from office.assemble import uvicorn_config

    pki_dir = Path(pki_dir or tempfile.mkdtemp(prefix="office-pki-"))
    if not (pki_dir / "ca.key").exists():
        pki.init(pki_dir)
    app, backend = build_office(db, clock, seed, offices_dir, pki_dir, warm, **build_options)
    current = CurrentApp(app)
    config = uvicorn_config(
        current,
        "127.0.0.1",
        port,
        pki_dir,
        log_level="critical",
        limits=limits,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="office-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the office server did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(server, thread, current, backend, bound, pki_dir)
