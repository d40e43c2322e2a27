"""Scenarios of the rules: a walk-in from another county, a booking for another office, a hukou-only business,
a local applicant's certificate reissue read from a card fixture file."""

from __future__ import annotations

import time

import heyuan_assets as assets
from kiosk.harness.headless import Until
from kiosk.harness.journeys import Journey
from kiosk.harness.scenarios.registry import scenario
from kiosk.harness.scenarios.steps import other_office


@scenario
def walk_in(j: Journey):
    a, b = j.people.cards(j.people.booking(other_office(j)))  # a couple from another county: city-wide service
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
    b = j.people.booking(other_office(j), fresh=True)
    yield from j.qr(b["qr"], "eligibility")
    j.expect(j.decision == "redirect", f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "attract")


@scenario
def hukou_office_only(j: Journey):
    person = j.people.cards(j.people.booking(other_office(j)))[0]  # hukou in another county
    yield from j.touch("start", "service_menu")
    yield from j.touch("other", "choose_business")
    yield from j.touch("business_archive_query", "read_id_1")  # archives stay with the hukou county
    yield from j.card(person, "eligibility")
    j.expect(j.decision == "redirect" and "hukou_office_only" in j.reasons, f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "attract")


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
