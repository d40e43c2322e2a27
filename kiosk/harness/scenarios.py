"""The scripted scenarios of `kiosk-diag journey` (see kiosk/harness/journeys.py for the runner).

People come from today's seeded bookings (made up) or, for the privacy scenario, from a card fixture file.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import heyuan_assets as assets
from kiosk.harness.headless import ScriptFailed, Until
from kiosk.harness.journeys import Journey

SCENARIOS: dict[str, Callable[..., Any]] = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


# --- people for the scenarios: today's seeded bookings (made up) ----------------------------------------------


class TodaysPeople:
    """Today's seeded bookings on the bundled server. A booking's QR code is accepted once a day:
    `booking(office, fresh=True)` returns one whose code has not been scanned yet in this run — the office's next
    walk-through booking (checkable at any hour; office.seed has three a day). A soak of many journeys in one kiosk
    passes its own people, who move to the next day (see bench/soak_ui.py)."""

    def __init__(self, now=None):
        from kiosk.services.backend_status import local_now

        self.now = now or local_now
        self.used: dict[str, int] = {}  # office → walk-through bookings handed out

    def booking(self, office: str, fresh: bool = False) -> dict:
        from office.seed import WALK_THROUGH, seeded_bookings

        now = self.now()
        index = self.used.get(office, 0) if fresh else 0
        if index >= WALK_THROUGH:
            raise ScriptFailed(f"office {office} has no unscanned walk-through booking left today ({WALK_THROUGH})")
        if fresh:
            self.used[office] = index + 1
        return seeded_bookings(office, now.date(), now)[index]

    def cards(self, booking: dict) -> list[dict]:
        from office.seed import card_fields

        return [card_fields(p, self.now().date()) for p in booking["parties"]]


def _other_office(j: Journey) -> str:
    return next(code for code in sorted(j.shell.env.offices) if code != j.shell.env.office)


def _booked_to_consent(j: Journey):
    b = j.people.booking(j.shell.env.office, fresh=True)
    a, c = j.people.cards(b)
    yield from j.qr(b["qr"], "read_id_1")
    yield from j.card(a, "read_id_2")
    yield from j.card(c, "eligibility")
    j.expect(j.decision == "accept", f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "consent")


def _booked_to_confirm(j: Journey, consent: bool):
    yield from _booked_to_consent(j)
    if consent:
        yield from j.touch("yes", "face_1")
        yield from j.wait("face_2", timeout=FACE_WAIT_S)
        yield from j.wait("confirm", timeout=FACE_WAIT_S)
    else:
        yield from j.touch("no", "confirm")


FACE_WAIT_S = 90.0  # up to three captures with their liveness challenge (8 s each at most) and comparisons


def _verified_by(j: Journey) -> list[str]:
    return [c["verified_by"] for c in j.verification]


def _face(name: str):
    from kiosk.harness.demo import demo_face

    return demo_face(name)


@scenario
def booked_couple(j: Journey):
    yield from _booked_to_confirm(j, consent=True)
    j.expect(j.app.sm.get_screen("confirm").photos == 2, "the two photos are not shown for review")
    # Every party is verified one way or another (tests/ui checks that the right faces end verified by face; a
    # soak on a busy machine may see a liveness challenge time out three times and end with staff).
    j.expect(len(j.verification) == 2, f"verification {j.verification}")
    yield from j.touch("confirm", "done", timeout=30)
    j.expect(j.ticket is not None and not j.ticket["offline"], f"ticket {j.ticket}")
    yield from j.touch("finish", "attract")


def _ticket_and_finish(j: Journey):
    yield from j.touch("confirm", "done", timeout=30)
    j.expect(j.ticket is not None, f"ticket {j.ticket}")
    yield from j.touch("finish", "attract")


@scenario
def face_mismatch(j: Journey):
    """Someone else stands in front of the camera for party 1: three tries, then the counter checks (staff)."""
    j.face(1, _face("astronaut.png"))
    yield from _booked_to_confirm(j, consent=True)
    j.expect(j.verification and j.verification[0]["verified_by"] != "face", f"verification {j.verification}")
    yield from _ticket_and_finish(j)


@scenario
def same_face_twice(j: Journey):
    """Both cards carry the same person's photo and the same person poses twice: party 2 must not pass."""
    for party in (1, 2):
        j.id_photo(party, _face("grace_hopper.jpg"))
        j.face(party, _face("grace_hopper.jpg"))
    yield from _booked_to_confirm(j, consent=True)
    j.expect(len(j.verification) == 2 and j.verification[1]["verified_by"] != "face", f"verification {j.verification}")
    yield from _ticket_and_finish(j)


@scenario
def fingerprint_fallback(j: Journey):
    """Party 1's face does not match (someone else's photo on the card); the card holds fingerprints, the right
    finger goes on the sensor: verified by fingerprint. Party 2 by face."""
    j.id_photo(1, _face("astronaut.png"))
    b = j.people.booking(j.shell.env.office, fresh=True)
    a, c = j.people.cards(b)
    yield from j.qr(b["qr"], "read_id_1")
    yield from j.card(dict(a, fingerprint_templates=2), "read_id_2")
    yield from j.card(c, "eligibility")
    yield from j.touch("go_on", "consent")
    yield from j.touch("yes", "face_1")
    yield from j.wait("finger_1", timeout=FACE_WAIT_S)
    yield from j.wait("face_2", timeout=30)
    yield from j.wait("confirm", timeout=FACE_WAIT_S)
    j.expect([v["verified_by"] for v in j.verification] == ["fingerprint", "face"], f"verification {j.verification}")
    yield from _ticket_and_finish(j)


@scenario
def photo_attack(j: Journey):
    """A still photo of the right person held up to the camera fails the liveness challenge every time."""
    j.face(1, _face("grace_hopper.jpg"), still=True)
    yield from _booked_to_confirm(j, consent=True)
    j.expect(j.verification and j.verification[0]["verified_by"] != "face", f"verification {j.verification}")
    yield from _ticket_and_finish(j)


@scenario
def demo_strip(j: Journey):
    """The README's demo: a booked couple with the strip's buttons, to a ticket rendered as PNG."""
    tickets = Path(j.parts.config.state_dir) / "tickets"
    j.controls.use_booking(j.people.booking(j.shell.env.office, fresh=True))  # the strip shows an unscanned one
    yield from j.strip("show_qr", "read_id_1")
    yield from j.strip("card_1", "read_id_2")
    yield from j.strip("card_2", "eligibility")
    yield from j.touch("go_on", "consent")
    yield from j.touch("yes", "face_1")
    yield from j.wait("confirm", timeout=FACE_WAIT_S)
    yield from j.touch("confirm", "done", timeout=30)
    yield Until(lambda: any(tickets.glob("*.png")), 10, "ticket PNG")
    yield from j.touch("finish", "attract")


@scenario
def demo_technician(j: Journey):
    """The README's technician tour in the demo: five taps on the office name, this run's demo PIN, every
    maintenance page, log out."""
    attract = j.app.sm.get_screen("attract")

    def five_taps():
        for _ in range(5):
            attract.ids.office.dispatch("on_press")
            attract.ids.office.dispatch("on_release")

    yield from j.step("five taps on the office name", five_taps, "maintenance_login", machine=False)
    j.app.sm.get_screen("maintenance_login").ids.keypad.value = j.demo_pin
    yield from j.touch("login", "maintenance", timeout=20)
    home = j.app.sm.get_screen("maintenance")
    shown = {}
    for tab in ("devices", "selftest", "counters", "logs", "settings", "journal", "report"):
        button = home.ids["tab_" + tab]
        button.dispatch("on_press")
        button.dispatch("on_release")
        page = home.current_page()
        yield Until(lambda: home.ids.pages.current == page.name and not page.loading, 10, f"page {tab}")
        shown[tab] = page.name
    j.notes["pages"] = shown
    j.notes["audit"] = [(e["action"], e["details"].get("demo")) for e in j.maintenance.audit.entries()]
    j.expect(("login", True) in j.notes["audit"], f"demo login not audited: {j.notes['audit']}")
    yield from j.touch("leave", "attract")


@scenario
def walk_in(j: Journey):
    a, b = j.people.cards(j.people.booking(_other_office(j)))  # a couple from another county: city-wide service
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    yield from j.card(a, "read_id_2")
    yield from j.card(b, "eligibility")
    j.expect(j.decision == "accept", f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "consent")
    yield from j.touch("no", "confirm")
    yield from j.touch("confirm", "done", timeout=30)
    j.expect(j.ticket is not None, "no ticket")
    yield from j.touch("finish", "attract")


@scenario
def wrong_office_redirect(j: Journey):
    b = j.people.booking(_other_office(j), fresh=True)
    yield from j.qr(b["qr"], "eligibility")
    j.expect(j.decision == "redirect", f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "attract")


@scenario
def hukou_office_only(j: Journey):
    person = j.people.cards(j.people.booking(_other_office(j)))[0]  # hukou in another county
    yield from j.touch("start", "service_menu")
    yield from j.touch("other", "choose_business")
    yield from j.touch("business_archive_query", "read_id_1")  # archives stay with the hukou county
    yield from j.card(person, "eligibility")
    j.expect(j.decision == "redirect" and "hukou_office_only" in j.reasons, f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "attract")


@scenario
def printer_out(j: Journey):
    yield from _booked_to_confirm(j, consent=False)
    j.controls.toggle_paper()
    yield from j.touch("confirm", "printer_problem", timeout=40)
    j.expect(j.ticket is not None and bool(j.ticket["number"]), "no number on the printer-problem screen")
    screen = j.app.sm.get_screen("printer_problem")
    j.expect(screen.number == str(j.ticket["number"]), "number not shown")
    yield from j.touch("finish", "attract")


@scenario
def backend_down(j: Journey):
    yield Until(lambda: j.parts.link.cache.fetched_at() is not None, 15, "bookings cached")
    j.controls.toggle_network()
    yield Until(lambda: not j.shell.flow.status.backend_online, 15, "backend seen down")
    yield from _booked_to_confirm(j, consent=False)
    yield from j.touch("confirm", "done", timeout=40)
    j.expect(j.ticket is not None and j.ticket["offline"], f"ticket {j.ticket}")
    yield from j.touch("finish", "attract")


@scenario
def idle_timeout(j: Journey):
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.elapse(j.shell.seconds["idle_s"], "idle_warning")
    left = j.shell.time_left()
    j.expect(left is not None and left >= 20 - 1, f"idle warning countdown {left}")
    yield from j.elapse(j.shell.seconds["idle_warning_s"], "attract")
    j.expect(j.shell.flow.session.is_empty, "session not wiped")


def _counter_view(j: Journey, path: str, post: dict | None = None) -> dict:
    """GET `path` (or POST `post`) as a counter of this office would: a counter certificate from the bundled
    server's CA."""
    import requests

    from kiosk.app import bundled
    from office import pki

    url = j.parts.config.backend.url
    pki_dir = bundled.bundled_pki(url)
    files = pki.issue(pki_dir, "counter", "journey-counter", j.shell.env.office)
    with requests.Session() as s:
        s.trust_env = False
        s.verify, s.cert = str(pki_dir / "ca.crt"), (files["cert"], files["key"])
        answer = s.get(url + path, timeout=10) if post is None else s.post(url + path, json=post, timeout=10)
    answer.raise_for_status()
    return answer.json()


@scenario
def call_staff(j: Journey):
    """Help is called on the ID card screen (online): the kiosk says the call was sent, and that staff are on the
    way only once a counter takes it; then on the service menu with the network cut: the call waits in the
    journal, a tone plays, and the office gets it once the network is back."""
    office = j.shell.env.office
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    session = lambda: j.shell.flow.session  # noqa: E731
    yield from j.help("call_staff", lambda: session().assistance == "sent", "call sent")
    j.expect(j.state == "read_id_1" and session().business == "marriage", "the session was not kept")
    left = j.shell.time_left()
    j.expect(left is not None and left > j.shell.seconds["idle_s"], f"idle time not lengthened: {left}")
    shown = j.app.root.ids.help.ids.assistance.text
    j.expect(shown == j.app.tr("staff_sent"), f"the applicant sees {shown!r}")
    _counter_view(j, f"/counter/calls/{session().assistance_call}/acknowledge", post={})
    yield Until(lambda: session().assistance == "on_the_way", 15, "staff on the way once a counter took the call")
    shown = j.app.root.ids.help.ids.assistance.text
    j.expect(shown == j.app.tr("staff_on_the_way"), f"the applicant sees {shown!r}")
    j.controls.toggle_network()
    yield Until(lambda: not j.shell.flow.status.backend_online, 15, "backend seen down")
    yield from j.cancel()
    yield from j.touch("start", "service_menu")
    yield from j.help("call_staff", lambda: session().assistance == "offline", "call journaled")
    j.expect(j.parts.link.backlog() == 1, "the call is not in the journal")
    # the prompt starts on a later frame: the session is not cancelled under it (a busy machine forwards at once)
    yield Until(lambda: any(s.endswith("/staff_offline") for s in j.app.voice.spoken), 10, "'call offline' said")
    j.controls.toggle_network()
    yield Until(lambda: j.parts.link.backlog() == 0, 30, "journal forwarded")
    calls = _counter_view(j, f"/v1/offices/{office}/assistance")["calls"]
    # the first call was taken by a counter: only the journaled one is open (one open call per kiosk)
    j.expect([c["screen"] for c in calls] == ["service_menu"], f"the counter sees {calls}")
    yield from j.cancel()


@scenario
def card_unplugged(j: Journey):
    a, b = j.people.cards(j.people.booking(_other_office(j)))
    sim = j.parts.devices.idcard.sim
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    yield Until(lambda: sim.attached, 10, "reader simulator running")
    yield from j.step("unplug", sim.vanish, "device_fault", machine=False)
    yield from j.step("replug", sim.reappear, "read_id_1", machine=False, timeout=30)
    yield from j.card(a, "read_id_2")
    yield from j.cancel()


@scenario
def privacy(j: Journey):
    """A certificate reissue for a local applicant read from a card fixture file (only its path passes through
    here), through to a printed ticket; then the card is taken away."""
    yield from j.touch("start", "service_menu")
    yield from j.touch("other", "choose_business")
    yield from j.touch("business_reissue_certificate", "read_id_1")
    yield from j.card(str(assets.path("samples", "cards", "privacy_card.json")), "eligibility")
    j.privacy_control()
    accepted = j.decision == "accept"
    yield from j.touch("go_on", "consent" if accepted else "attract")
    if accepted:
        yield from j.touch("no", "confirm")
        yield from j.touch("confirm", "done", timeout=30)
        yield from j.touch("finish", "attract")
    j.controls.remove_card()
    yield Until(lambda: j.parts.devices.idcard.sim.core.card is None, 5, "card removed")
    # The reader thread lets go of its last event at its next poll (0.15 s): give it a few.
    until = time.monotonic() + 0.6
    yield Until(lambda: time.monotonic() > until, 2, "reader polls")


@scenario
def lobby_day(j: Journey):
    """The kiosk's part of a day at the office (the lobby's browser tests drive the counters and the display
    meanwhile): a walk-in couple, a booked couple, another walk-in; then help is called and the kiosk says the call
    was sent until a counter takes it, then that staff are on the way. Waits up to LOBBY_WAIT_S for the counter."""
    tickets = []

    def walk_in(n: int):
        # a different couple each time: the same couple again would be told the number they already hold
        others = [code for code in sorted(j.shell.env.offices) if code != j.shell.env.office]
        a, b = j.people.cards(j.people.booking(others[n]))
        yield from j.touch("start", "service_menu")
        yield from j.touch("walk_in", "choose_business")
        yield from j.touch("business_marriage", "read_id_1")
        yield from j.card(a, "read_id_2")
        yield from j.card(b, "eligibility")
        yield from j.touch("go_on", "consent")
        yield from j.touch("no", "confirm")
        yield from _ticket_and_finish(j)
        tickets.append(j.ticket)

    yield from walk_in(0)
    yield from _booked_to_confirm(j, consent=False)
    yield from _ticket_and_finish(j)
    tickets.append(j.ticket)
    yield from walk_in(1)
    j.notes["tickets"] = tickets
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    session = lambda: j.shell.flow.session  # noqa: E731
    yield from j.help("call_staff", lambda: session().assistance == "sent", "call sent")
    shown = j.app.root.ids.help.ids.assistance.text
    j.expect(shown == j.app.tr("staff_sent"), f"the applicant sees {shown!r}")
    j.notes["call_id"] = session().assistance_call
    yield Until(lambda: session().assistance == "on_the_way", LOBBY_WAIT_S, "a counter took the call")
    j.notes["shown"] = j.app.root.ids.help.ids.assistance.text
    j.expect(j.notes["shown"] == j.app.tr("staff_on_the_way"), f"the applicant sees {j.notes['shown']!r}")
    # and hears it: the prompt starts on a later frame, so the session is not cancelled under it
    yield Until(lambda: any(s.endswith("/staff_on_the_way") for s in j.app.voice.spoken), 10, "'on the way' said")
    yield from j.cancel()


LOBBY_WAIT_S = 180.0
