"""Scenarios of things going wrong: paper out, the office unreachable, an idle applicant, the reader unplugged."""

from __future__ import annotations

from kiosk.harness.headless import Until
from kiosk.harness.journeys import Journey
from kiosk.harness.scenarios.registry import scenario
from kiosk.harness.scenarios.steps import booked_to_confirm, other_office


@scenario
def printer_out(j: Journey):
    yield from booked_to_confirm(j, consent=False)
    j.controls.toggle_paper()
    yield from j.touch("confirm", "printer_problem", timeout=40)
    ticket = j.ticket or {}
    j.expect(bool(ticket.get("number")), "no number on the printer-problem screen")
    screen = j.app.sm.get_screen("printer_problem")
    j.expect(screen.number == str(ticket.get("number")), "number not shown")
    yield from j.touch("finish", "attract")


@scenario
def backend_down(j: Journey):
    yield Until(lambda: j.parts.link.cache.fetched_at() is not None, 15, "bookings cached")
    j.controls.toggle_network()
    yield Until(lambda: not j.shell.flow.status.backend_online, 15, "backend seen down")
    yield from booked_to_confirm(j, consent=False)
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
    a, b = j.people.cards(j.people.booking(other_office(j)))
    sim = j.parts.devices.idcard.sim
    yield from j.touch("start", "service_menu")
    yield from j.touch("walk_in", "choose_business")
    yield from j.touch("business_marriage", "read_id_1")
    yield Until(lambda: sim.attached, 10, "reader simulator running")
    yield from j.step("unplug", sim.vanish, "device_fault", machine=False)
    yield from j.step("replug", sim.reappear, "read_id_1", machine=False, timeout=30)
    yield from j.card(a, "read_id_2")
    yield from j.cancel()
