"""The lobby's web pages on the office server: the counter console (/counter/, role counter) and the waiting-room
display (/display/, role display), plus a kiosk's view of its own staff call.

Same app, same mutual TLS, same guard and audit as the API: who may open what is declared in office/access.py. A
counter's window is its certificate's name (window-3 → window 3) and its office the certificate's office, so a
counter acts only as itself. Pages are Jinja2 templates with a little plain JavaScript (static/); they stay live by
long polling: `GET …/state?since=V` answers as soon as something changed, at the latest after POLL_S.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Literal, Optional

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field

import heyuan_assets
from office.errors import ApiError
from office.guard import IDENTITY
from office.lobby import calls, views, voice
from office.lobby.records import Lobby
from office.pki import Identity

POLL_S = 2.0  # a page's request is answered after at most this long, changed or not
STATIC = {
    "lobby.css": "text/css",
    "counter.js": "text/javascript",
    "display.js": "text/javascript",
    "icon.svg": "image/svg+xml",
}
# The kiosk's own Chinese font (GB2312 + Latin), so a lobby TV without CJK fonts still shows the texts.
FONTS = {"kiosk.otf": "NotoSansSC-Kiosk.otf", "kiosk-bold.otf": "NotoSansSC-Kiosk-Bold.otf"}
# Pages load only their own files: no inline script, nothing from elsewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
ACTIONS = ("next", "recall", "start", "done", "no_show", "transfer", "pause", "resume", "choose", "reveal")
CALL_ACTIONS = ("acknowledge", "close")
BUSINESS = r"^[a-z_]{0,32}$"


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_id: Optional[str] = Field(default=None, max_length=64)
    business: str = Field(default="", pattern=BUSINESS)
    window: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9._-]*$")


def _who(request: Request) -> Identity:
    who = request.scope.get(IDENTITY)
    if who is None:  # the guard lets nobody through without one
        raise ApiError(403, "certificate_required")
    return who


def _page(html: str) -> HTMLResponse:
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": CSP,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def install(app: FastAPI, backend, writes, errors, no_show_after: int = 2, own_voice: Path | None = None) -> Lobby:
    """Add the pages and their APIs to the office app (and their tables to the store)."""
    lobby = Lobby(backend, no_show_after)
    lobby.create()
    templates = Environment(loader=PackageLoader("office.lobby", "templates"), autoescape=select_autoescape())
    router = APIRouter(include_in_schema=False)

    def audited(request: Request, ref_of):
        who = request.scope.get(IDENTITY)
        request.state.audited = True

        def note(conn, status: int, body: dict) -> None:
            code = body.get("error", "") if status >= 400 else ""
            ref = str(ref_of(body)) if status < 400 else ""
            backend.audit(conn, who, request.method, request.url.path, status, code, ref)
            if status < 400:
                lobby.purge(conn)

        return note

    async def write(request: Request, work, ref_of) -> JSONResponse:
        status, body, _ = await writes.run(None, "", work, audited(request, ref_of))
        return JSONResponse(body, status_code=status)

    async def changes(office: str, since: int | None) -> None:
        """Wait until the office's records change after version `since` (at most POLL_S)."""
        if since is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + POLL_S
        while lobby.versions.get(office, 0) == since and loop.time() < deadline:
            await asyncio.sleep(0.05)

    @router.get("/counter/")
    def counter_page(request: Request):
        who = _who(request)
        return _page(templates.get_template("counter.html").render(window=views.window_label(who.name)))

    @router.get("/counter/state")
    async def counter_state(request: Request, since: Optional[int] = Query(default=None, ge=0)):
        who = _who(request)
        await changes(who.office, since)
        return await asyncio.to_thread(views.counter_state, lobby, who.office, who.name)

    @router.post("/counter/api/{action}")
    async def counter_action(action: str, body: Action, request: Request):
        who = _who(request)
        office, window, ticket = who.office, who.name, body.ticket_id or ""
        if action not in ACTIONS:
            raise ApiError(404, "not_found")
        if action in ("recall", "start", "done", "no_show", "transfer", "reveal") and not ticket:
            raise ApiError(422, "invalid_request", detail="ticket_id")
        work = {
            "next": lambda c: lobby.call_next(c, office, window, body.business),
            "recall": lambda c: lobby.recall(c, office, window, ticket),
            "start": lambda c: lobby.start(c, office, window, ticket),
            "done": lambda c: lobby.finish(c, office, window, ticket, "done"),
            "no_show": lambda c: lobby.finish(c, office, window, ticket, "no_show"),
            "transfer": lambda c: lobby.transfer(c, office, window, ticket, body.business, body.window),
            "pause": lambda c: lobby.pause(c, office, window, True),
            "resume": lambda c: lobby.pause(c, office, window, False),
            "choose": lambda c: lobby.choose(c, office, window, body.business),
            "reveal": lambda c: reveal(c, office, window, ticket),
        }[action]
        return await write(request, work, lambda b: b.get("ticket_id", b.get("window", "")))

    def reveal(conn, office: str, window: str, ticket_id: str) -> tuple[int, dict]:
        """The parties unmasked, for the ticket at this window only; the audit row names the ticket."""
        row = lobby._ticket(conn, office, ticket_id, window)
        detail = views.ticket_detail(conn, row, backend.clock(), lobby.no_show_after, reveal=True)
        return 200, {"ticket_id": ticket_id, "parties": detail["parties"]}

    @router.post("/counter/calls/{call_id}/{action}")
    async def call_action(call_id: int, action: str, request: Request):
        who = _who(request)
        if action not in CALL_ACTIONS:
            raise ApiError(404, "not_found")
        if action == "acknowledge":
            work = lambda c: calls.acknowledge(lobby, c, who.office, call_id, who.name)  # noqa: E731
        else:
            work = lambda c: calls.close(lobby, c, who.office, call_id)  # noqa: E731
        return await write(request, work, lambda b: b.get("call_id", ""))

    @app.get(
        "/v1/offices/{office}/assistance/{call_id}", responses=errors("GET", _404=["unknown_office", "call_not_found"])
    )
    def call_status(office: str, call_id: int, request: Request):
        """The calling kiosk follows its call: open, acknowledged (a person is coming) or closed."""
        backend.office(office)
        return calls.of_kiosk(backend.store.read(), office, call_id, _who(request).name)

    @router.get("/display/")
    def display_page(request: Request):
        who = _who(request)
        office = backend.office(who.office)
        return _page(templates.get_template("display.html").render(office=office.name))

    @router.get("/display/state")
    async def display_state(request: Request, since: Optional[int] = Query(default=None, ge=0)):
        who = _who(request)
        await changes(who.office, since)
        state = await asyncio.to_thread(views.display_state, lobby, who.office)
        for call in state["calls"]:
            call["say"] = voice.segments(call["number"], call["window"])
        return state

    @router.get("/display/voice/{lang}/{name}")
    def voice_segment(lang: Literal["zh", "en"], name: str):
        found = voice.segment_file(lang, name.removesuffix(".wav"), own_voice)
        if found is None:
            raise ApiError(404, "not_found")
        return FileResponse(found, media_type="audio/wav", headers={"Cache-Control": "max-age=86400"})

    @router.get("/lobby/static/{name}")
    def static(name: str):
        if name in FONTS:
            font = heyuan_assets.path("fonts", FONTS[name])
            return FileResponse(font, media_type="font/otf", headers={"Cache-Control": "max-age=604800"})
        if name not in STATIC:
            raise ApiError(404, "not_found")
        return FileResponse(
            Path(__file__).parent / "static" / name,
            media_type=STATIC[name],
            headers={"X-Content-Type-Options": "nosniff"},
        )

    app.include_router(router)
    app.state.lobby = lobby
    return lobby
