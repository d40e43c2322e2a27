"""The scripted scenarios of `kiosk-diag journey` (see kiosk/ui/journeys.py for the runner).

People come from today's seeded bookings (made up) or, for the privacy scenario, from a card fixture file.
"""
from __future__ import annotations

import time
from pathlib import Path

from kiosk.ui.headless import Until
from kiosk.ui.journeys import Journey

SCENARIOS: dict[str, callable] = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


# --- people for the scenarios: today's seeded bookings (made up) ----------------------------------------------

class TodaysPeople:
    """Today's seeded bookings on the bundled server. A booking's QR code is accepted once a day, so a run of many
    journeys in one kiosk passes its own people (see bench/soak_ui.py): `booking(office, fresh=True)` must then
    return a booking whose code has not been scanned yet."""

    def __init__(self, now=None):
        from kiosk.services.backend_status import local_now

        self.now = now or local_now

    def booking(self, office: str, fresh: bool = False) -> dict:
        from office.seed import seeded_bookings

        now = self.now()
        return seeded_bookings(office, now.date(), now)[0]

    def cards(self, booking: dict) -> list[dict]:
        from office.seed import card_fields

        return [card_fields(p, self.now().date()) for p in booking["parties"]]


def _other_office(j: Journey) -> str:
    return next(code for code in sorted(j.shell.env.offices) if code != j.shell.env.office)


def _booked_to_confirm(j: Journey, consent: bool):
    b = j.people.booking(j.shell.env.office, fresh=True)
    a, c = j.people.cards(b)
    yield from j.qr(b["qr"], "read_id_1")
    yield from j.card(a, "read_id_2")
    yield from j.card(c, "eligibility")
    j.expect(j.decision == "accept", f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "consent")
    if consent:
        yield from j.touch("yes", "face_1")
        yield from j.wait("face_2")
        yield from j.wait("confirm")
    else:
        yield from j.touch("no", "confirm")


@scenario
def booked_couple(j: Journey):
    yield from _booked_to_confirm(j, consent=True)
    j.expect(j.app.sm.get_screen("confirm").photos == 2, "the two photos are not shown for review")
    yield from j.touch("confirm", "done", timeout=30)
    j.expect(j.ticket is not None and not j.ticket["offline"], f"ticket {j.ticket}")
    yield from j.touch("finish", "attract")


@scenario
def demo_strip(j: Journey):
    """The README's demo: a booked couple with the strip's buttons, to a ticket rendered as PNG."""
    tickets = Path(j.kiosk.config.state_dir) / "tickets"
    yield from j.strip("show_qr", "read_id_1")
    yield from j.strip("card_1", "read_id_2")
    yield from j.strip("card_2", "eligibility")
    yield from j.touch("go_on", "consent")
    yield from j.touch("yes", "face_1")
    yield from j.wait("confirm")
    yield from j.touch("confirm", "done", timeout=30)
    yield Until(lambda: any(tickets.glob("*.png")), 10, "ticket PNG")
    yield from j.touch("finish", "attract")


@scenario
def walk_in(j: Journey):
    a, b = j.people.cards(j.people.booking(_other_office(j)))   # a couple from another county: city-wide service
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
    person = j.people.cards(j.people.booking(_other_office(j)))[0]   # hukou in another county
    yield from j.touch("start", "service_menu")
    yield from j.touch("other", "choose_business")
    yield from j.touch("business_archive_query", "read_id_1")     # re-issue is any office since 2025-05-10
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
    yield Until(lambda: j.kiosk.link.cache.fetched_at() is not None, 15, "bookings cached")
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


@scenario
def card_unplugged(j: Journey):
    a, b = j.people.cards(j.people.booking(_other_office(j)))
    sim = j.kiosk.idcard.sim
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    yield Until(lambda: sim.present, 10, "reader simulator running")
    yield from j.step("unplug", sim.vanish, "device_fault", machine=False)
    yield from j.step("replug", sim.reappear, "read_id_1", machine=False, timeout=30)
    yield from j.card(a, "read_id_2")
    yield from j.cancel()


@scenario
def privacy(j: Journey):
    """A certificate reissue for a local applicant read from a card fixture file (only its path passes through
    here), through to a printed ticket; then the card is taken away."""
    fixtures = Path(__file__).resolve().parents[2] / "tests" / "ui" / "fixtures"
    yield from j.touch("start", "service_menu")
    yield from j.touch("other", "choose_business")
    yield from j.touch("business_reissue_certificate", "read_id_1")
    yield from j.card(str(fixtures / "privacy_card.json"), "eligibility")
    j.privacy_control()
    accepted = j.decision == "accept"
    yield from j.touch("go_on", "consent" if accepted else "attract")
    if accepted:
        yield from j.touch("no", "confirm")
        yield from j.touch("confirm", "done", timeout=30)
        yield from j.touch("finish", "attract")
    j.controls.remove_card()
    yield Until(lambda: j.kiosk.idcard.sim.core.card is None, 5, "card removed")
    # The reader thread lets go of its last event at its next poll (0.15 s): give it a few.
    until = time.monotonic() + 0.6
    yield Until(lambda: time.monotonic() > until, 2, "reader polls")
