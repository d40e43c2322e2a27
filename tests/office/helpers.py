"""Helpers for the office server tests."""

from datetime import date

from office.seed import seeded_bookings

TODAY = "2026-11-26"  # a Thursday


TIMEOUT_S = 60  # a stuck server, not a slow one: two suites on two cores answer in seconds, not milliseconds


class Api:
    """requests against the real server (mutual TLS, as the caller given); every POST gets a key unless one is
    given."""

    def __init__(self, server, role="kiosk", name="k1", office="441621"):
        self.url, self.s, self.n = server.url, server.session(role, name, office), 0
        self.server = server

    def get(self, path, **params):
        return self.s.get(self.url + path, params=params, timeout=TIMEOUT_S)

    def post(self, path, body, key=None):
        self.n += 1
        headers = {"Idempotency-Key": key or f"test-{self.n}-{id(self)}"}
        return self.s.post(self.url + path, json=body, headers=headers, timeout=TIMEOUT_S)

    def bookings(self, office="441621"):
        """Every seeded booking of the day, as this office's kiosk sees it in the offline list where it is listed
        (its check-in window still open), with each party's full data from the seed (the list itself carries ID
        numbers only as hashes)."""
        api = self if office == "441621" else Api(self.server, name=f"k-{office}", office=office)
        answer = api.get(f"/v1/offices/{office}/appointments").json()
        listed = {a["appointment_id"]: a for a in answer["appointments"]}
        return {
            b["appointment_id"][-2:]: {
                **{k: b[k] for k in ("appointment_id", "office", "date", "slot", "business")},
                **listed.get(b["appointment_id"], {}),
                "listed_parties": listed.get(b["appointment_id"], {}).get("parties"),
                "parties": b["parties"],
                **{k: b[k] for k in ("token", "phone", "code")},
            }
            for b in seeded_bookings(office, date.fromisoformat(answer.get("date") or TODAY))
        }

    def checkin(self, appt, key=None, ids=None, **extra):
        ids = ids if ids is not None else [p["id_number"] for p in appt["parties"]]
        return self.post(
            f"/v1/offices/{appt['office']}/checkins",
            {
                "appointment_id": appt["appointment_id"],
                "kiosk_id": "k1",
                "parties": [{"id_number": i} for i in ids],
                **extra,
            },
            key,
        )

    def ticket(self, business, appointment_id=None, office="441621", key=None, **extra):
        return self.post(
            f"/v1/offices/{office}/tickets",
            {"business": business, "appointment_id": appointment_id, "kiosk_id": "k1", **extra},
            key,
        )


def set_office(server, code="441621", **changes):
    """Change an office's configuration on the running server (quota, ranges) for one test."""
    offices = server.backend.offices
    offices[code] = offices[code].model_copy(update=changes)
    return offices[code]


def set_range(server, business, code="441621", **changes):
    oc = server.backend.offices[code]
    tickets = {**oc.tickets, business: oc.tickets[business].model_copy(update=changes)}
    return set_office(server, code, tickets=tickets)
