"""The office server's HTTP application, assembled: the routers of office/routes/ (one per job) and of the
lobby, assistance, bureau, identity and offline modules, the error answers, the server's Date and the guard.
OpenAPI at /openapi.json (every status, role and error code).

Who may call what is declared once, in office/access.py; office/guard.py enforces it (and the body, media type
and Host bounds) before any endpoint runs. Every write is audited in its own transaction (office/audit.py).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from email.utils import formatdate

from fastapi import FastAPI
from fastapi.routing import APIRoute

from office import access, answers, assistance, bureau, identity_api, offline
from office.anchor import Anchors
from office.bureau import BureauAdvice
from office.clock import stamp
from office.group_commit import GroupCommit
from office.guard import Guard
from office.lobby import web as lobby_web
from office.pki import RevocationList
from office.routes import bookings, checkins, failures, health, lockouts, reports, tickets
from office.routes.common import caller, errors
from office.service import OfficeBackend
from office.workload.sources import TicketsTable


class ServerDate:
    """Every answer's `Date` header from the server's own clock (the one its rules use; pinned in tests and with
    `--now`), so a kiosk can measure how far off its clock is. Pure ASGI: no per-request task. Run uvicorn with
    `date_header=False`; if not, this one comes last and kiosks read the last."""

    def __init__(self, app, clock):
        self.app, self.clock = app, clock

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def dated(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", formatdate(self.clock().timestamp(), usegmt=True).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, dated)


def _document_roles(app: FastAPI) -> None:
    """Each operation's roles (from office/access.py) in its description and as `x-roles`."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                roles = access.roles_of(method, route.path)
                route.openapi_extra = {**(route.openapi_extra or {}), "x-roles": list(roles)}
                note = f"Roles: {', '.join(roles) or 'none'} (from the client certificate)."
                route.description = f"{route.description}\n\n{note}".strip()


def _lifespan(backend: OfficeBackend, anchors: Anchors | None):
    """The server's lifespan: the audit chain's head anchored at an interval and when the server stops, when the
    kiosks' contacts are stored too."""

    def stopping() -> None:
        with backend.store.write() as conn:
            backend.contacts.flush(conn, backend.clock().timestamp(), force=True)
        if anchors is not None:
            anchors.anchor_now(backend.store, lambda: stamp(backend.clock()))

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(anchors.run(backend.store, lambda: stamp(backend.clock()))) if anchors else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
            await asyncio.to_thread(stopping)

    return lifespan


def create_app(
    backend: OfficeBackend,
    revoked: RevocationList | None = None,
    hosts: set[str] | None = None,
    bureau_advice: BureauAdvice | None = None,
    lobby_options: dict | None = None,
    offline_rules: offline.OfflineRules | None = None,
    anchors: Anchors | None = None,
) -> FastAPI:
    # POSTs are `async`: their work is a short SQLite write that is serialised anyway, so it runs on the event
    # loop (no thread hop), and POSTs that arrive together share one commit (p99 under 50 concurrent kiosks).
    # Reads stay in threads.
    app = FastAPI(
        title="Heyuan marriage registration office API",
        version="1",
        description="Reference office server: appointments, check-in, queue tickets, 全城通办 report. "
        "Mutual TLS: every caller presents a client certificate from the office CA; its "
        "role (kiosk, counter, bureau), name and office come from the certificate.",
        lifespan=_lifespan(backend, anchors),
    )
    writes = GroupCommit(backend)
    offline.attach(backend, offline_rules or offline.OfflineRules())
    app.add_middleware(ServerDate, clock=backend.clock)
    lobby = lobby_web.install(app, backend, writes, errors, **(lobby_options or {}))  # /counter/, /display/
    failures.install(app)
    app.include_router(health.router(backend))
    app.include_router(bookings.router(backend))
    app.include_router(checkins.router(backend, writes, lobby))
    app.include_router(tickets.router(backend, writes, lobby))
    app.include_router(lockouts.router(backend, writes))
    app.include_router(reports.router(backend))
    assistance.install(app, backend, writes, errors)
    app.state.bureau = bureau_advice or BureauAdvice(TicketsTable(backend.store.read, backend.today), backend.offices)
    bureau.install(app, app.state.bureau, caller, errors)
    identity_api.install(app, backend, writes, errors)
    offline.install(app, backend, writes, errors)
    _document_roles(app)
    answers.document(app)
    app.add_middleware(Guard, backend=backend, writes=writes, revoked=revoked, hosts=hosts)
    return app
