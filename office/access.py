"""Who may call what: the one table of the office API's endpoints and the roles allowed on each.

A caller's role, name and office come from its client certificate (office/pki.py). An endpoint that is not in
this table answers 404 to everybody, so a new endpoint is reachable only once its roles are declared here:
    "POST /v1/identity/verify": Access(("kiosk",)),
`own_office`: the `{office}` in the path (or `?office=`) must be the caller's office; a bureau certificate issued
for "all" passes for every office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from office.pki import ROLES, Identity

ANYONE = ROLES


@dataclass(frozen=True)
class Access:
    roles: tuple[str, ...]
    own_office: bool = True
    max_body: int | None = None  # bytes; None: the server's default (office/guard.py MAX_BODY)


ACCESS: dict[str, Access] = {
    "GET /healthz": Access(ANYONE, own_office=False),
    "GET /openapi.json": Access(ANYONE, own_office=False),
    "GET /docs": Access(ANYONE, own_office=False),
    "GET /v1/offices": Access(ANYONE, own_office=False),
    "GET /v1/appointments/lookup": Access(("kiosk",)),
    "GET /v1/offices/{office}/appointments": Access(("kiosk",)),
    "POST /v1/offices/{office}/checkins": Access(("kiosk",)),
    "POST /v1/offices/{office}/tickets": Access(("kiosk",)),
    "POST /v1/offices/{office}/queue/next": Access(("counter",)),
    "GET /v1/offices/{office}/queue": Access(("counter", "bureau")),
    "POST /v1/offices/{office}/lockouts/release": Access(("counter",)),
    # aggregate figures only; a kiosk's maintenance screen exports its own office's
    "GET /v1/offices/{office}/reports/citywide": Access(("bureau", "kiosk")),
    # the office's identity service compares a live face with the registered photo (office/identity.py)
    # (a face crop as base64 JPEG: at most 400,000 characters, so a bigger body limit than the other calls)
    "POST /v1/identity/verify": Access(("kiosk",), own_office=False, max_body=512 * 1024),
    # the city bureau's booking advice (office/bureau.py): aggregates; a bureau certificate sees its office or all
    "GET /bureau/": Access(("bureau",), own_office=False),
    "GET /bureau/advice.csv": Access(("bureau",), own_office=False),
    # calls for staff (office/assistance.py): kiosks call, counters see and acknowledge
    "POST /v1/offices/{office}/assistance": Access(("kiosk",)),
    "GET /v1/offices/{office}/assistance": Access(("counter",)),
    # a counter voids a kiosk's offline batch of the day (office/offline.py)
    "POST /v1/offices/{office}/offline/void": Access(("counter",)),
    "POST /v1/offices/{office}/assistance/{call_id}/acknowledge": Access(("counter",)),
    # a kiosk follows its own call (office/lobby/calls.py answers 404 for another kiosk's)
    "GET /v1/offices/{office}/assistance/{call_id}": Access(("kiosk",)),
    # the lobby's pages (office/lobby/web.py): the office is the certificate's, a counter's window its name
    "GET /counter/": Access(("counter",)),
    "GET /counter/state": Access(("counter",)),
    "POST /counter/api/{action}": Access(("counter",)),
    "POST /counter/calls/{call_id}/{action}": Access(("counter",)),
    "GET /display/": Access(("display",)),
    "GET /display/state": Access(("display",)),
    "GET /display/voice/{lang}/{name}": Access(("display",)),
    "GET /lobby/static/{name}": Access(("counter", "display")),
}


def _pattern(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")


_ROUTES = [
    (key.split(" ", 1)[0], key.split(" ", 1)[1], _pattern(key.split(" ", 1)[1]), access)
    for key, access in ACCESS.items()
]


def match(method: str, path: str) -> tuple[str, Access | None, dict] | None:
    """(template, access or None when the path is known but not for this method, path params), or None."""
    known = None
    for m, template, pattern, access in _ROUTES:
        found = pattern.match(path)
        if found:
            if m == method or (method == "HEAD" and m == "GET"):
                return template, access, found.groupdict()
            known = (template, None, found.groupdict())
    return known


def refusal(who: Identity, access: Access, office: str | None) -> str | None:
    """The error code refusing this caller, or None when it may go ahead."""
    if who.role not in access.roles:
        return "forbidden_role"
    if access.own_office and office is not None and who.office not in ("all", office):
        return "forbidden_office"
    return None


def roles_of(method: str, template: str) -> tuple[str, ...]:
    access = ACCESS.get(f"{method} {template}")
    return access.roles if access else ()
