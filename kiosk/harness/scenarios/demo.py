"""The README's demo walk-throughs: the strip's buttons and the technician's tour."""

from __future__ import annotations

from pathlib import Path

from kiosk.harness.headless import Until
from kiosk.harness.journeys import Journey
from kiosk.harness.scenarios.registry import scenario
from kiosk.harness.scenarios.steps import FACE_WAIT_S


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
