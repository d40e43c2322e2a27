"""The soak's applicants and their journeys (bench/soak.py mixes them): booked couples (now and then through the
face pipeline), walk-ins, redirects, refusals, the printer out of paper, the office server unreachable, an idle
timeout and a cancel — each driven through the rig's shell and simulators (bench/soak_rig.py), with what the kiosk
handed out (check-ins, ticket numbers) kept for the comparison with the server's database (bench/soak_checks.py).
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from bench.soak_office import OFFICE, OTHER
from bench.soak_rig import Rig
from kiosk.flow import events as ev

FACE_EVERY = 100  # one booked couple in this many goes through the face pipeline
BOOKINGS_PER_DAY = 3  # the seeded walk-through bookings (slot = now) of the kiosk's office


WALK_IN_LABELS = ("local", "other_county")  # couples this office accepts for marriage (Heyuan hukou)


def _refresh(cache, patience_s: float = 120.0) -> None:
    """Fill the bookings cache from the server. A request timed out on a loaded machine is tried again: the
    cache's content is this journey's starting point, not what it checks."""
    from kiosk.services.office_client import BackendUnavailable

    deadline = time.monotonic() + patience_s
    while True:
        try:
            cache.refresh()
            return
        except BackendUnavailable:
            if time.monotonic() > deadline:
                raise


class People:
    """Today's seeded bookings as cards, and which of the kiosk office's bookings are still unused."""

    def __init__(self, rig: Rig):
        from office.seed import card_fields, seeded_bookings

        self.rig = rig
        now = rig.clock()
        day = now.date()
        offices = rig.server.backend.offices
        self.day = day.isoformat()
        self.here = seeded_bookings(OFFICE, day, now, offices[OFFICE].opening_hours)[:BOOKINGS_PER_DAY]
        self.other = seeded_bookings(OTHER, day, now, offices[OTHER].opening_hours)
        self.cards = lambda b: [card_fields(p, day) for p in b["parties"]]
        self.used = 0
        self.walk_ins = 0
        self.redirects = 0  # each booking QR can be scanned once a day (the flow refuses replays)
        # A couple whose ID cards expired yesterday: no office may register them (refuse).
        expired = {
            "valid_from": (day - timedelta(days=3650)).isoformat(),
            "valid_until": (day - timedelta(days=1)).isoformat(),
        }
        self.expired = [{**card, **expired} for card in self.cards(self.other[0])]

    def next_elsewhere(self) -> dict | None:
        if self.redirects >= len(self.other):
            return None
        self.redirects += 1
        return self.other[self.redirects - 1]

    def next_walk_in(self) -> dict | None:
        """A couple who has not taken a walk-in number today (a couple is given one number a day per business)."""
        couples = [b for b in self.other if b["business"] == "marriage" and b["extra"]["label"] in WALK_IN_LABELS]
        if self.walk_ins >= len(couples):
            return None
        self.walk_ins += 1
        return couples[self.walk_ins - 1]

    def next_booking(self) -> dict | None:
        if self.used >= len(self.here):
            return None
        self.used += 1
        return self.here[self.used - 1]


class Soak:
    def __init__(self, rig: Rig, seed: int = 9):
        self.rig, self.rng = rig, random.Random(seed)
        self.people = People(rig)
        self.outcomes: dict[str, int] = {}
        self.failures: list[str] = []
        self.checkins: set[str] = set()  # appointments the kiosk told applicants were checked in
        self.tickets: set[tuple[str, str]] = set()  # (day, number) handed out
        self.booked_couples = 0
        self.face_runs = 0
        self.seconds: dict[str, float] = {}  # time spent per scenario (successful runs)

    # --- inputs ------------------------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.rig.shell.flow.state.value

    def card(self, card: dict, until: str) -> None:
        sim = self.rig.parts.devices.idcard.sim
        sim.remove()
        sim.present(card)
        self.rig.wait_state(until)

    def qr(self, payload: str, until: str) -> None:
        self.rig.parts.devices.scanner.sim.scan(payload)
        self.rig.wait_state(until)

    def take_booking(self) -> dict:
        b = self.people.next_booking()
        if b is None:  # today's bookings are used up: tomorrow, with fresh ones
            self.rig.next_day()
            self.people = People(self.rig)
            b = self.people.next_booking()
        return b

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            raise AssertionError(what)

    def _ticket(self, offline: bool | None = None) -> dict:
        t = self.rig.shell.flow.session.ticket
        self.expect(t is not None and t.get("number"), f"no ticket ({self.state})")
        if offline is not None:
            self.expect(bool(t.get("offline")) == offline, f"ticket offline={t.get('offline')}")
        key = (self.people.day, str(t["number"]))
        self.expect(key not in self.tickets, f"ticket number {key} handed out twice")
        self.tickets.add(key)
        return t

    # --- journeys ----------------------------------------------------------------------------------------------
    def _booked_to_confirm(self, b: dict, face: bool) -> None:
        r = self.rig
        a, c = self.people.cards(b)
        if face:  # the card holders themselves before the camera, doing what the screen asks (as in the demo)
            for party, card in ((1, a), (2, c)):
                self.show_face(card, party)
        self.qr(b["qr"], "read_id_1")
        self.card(a, "read_id_2")
        self.card(c, "eligibility")
        d = r.shell.flow.session.decision
        self.expect(d is not None and d.decision == "accept", f"decision {d and d.decision} {d and d.reasons}")
        r.post(ev.Continue(), "consent")
        if face:
            k = r.parts.identity  # loaded in the background since start; the journey begins once it is there
            r.wait(lambda: k.engine is not None or bool(k.engine_error), 30, "face engine")
            r.post(ev.Consent(True), "face_1")
            self.face("face_2")
            self.face("confirm")
            self.face_runs += 1
        else:
            r.post(ev.Consent(False), "confirm")

    def show_face(self, card: dict, party: int) -> None:
        """The demo's person for `party` stands before the simulated camera when `card`'s holder is photographed.
        The rig has no card photo decoder (devices.wlt_library), so the comparison ends "unavailable": the face
        step's capture and liveness challenge are what runs here."""
        from kiosk.harness.demo import DEMO_FACES, demo_face

        self.rig.people.show(card["id_number"], demo_face(DEMO_FACES[party]))

    def face(self, until: str) -> None:
        """One party through the face step: the flow asks for the capture, the runner's identity steps take it
        with the simulated camera; each outcome is shown for its time (fast-forwarded here)."""
        from kiosk.flow.table import FACE_OUTCOME_S

        r = self.rig
        shown = lambda: r.shell.flow.session.face_shown is not None  # noqa: E731
        while r.shell.flow.state.value != until:
            r.wait(lambda: r.shell.flow.state.value == until or shown(), 30, until)
            if shown():
                r.shell.advance(FACE_OUTCOME_S)

    def booked_couple(self) -> None:
        b = self.take_booking()
        self.booked_couples += 1
        self._booked_to_confirm(b, face=self.booked_couples % FACE_EVERY == 1)
        self.rig.post(ev.Confirm(), "done", 30)
        self._ticket(offline=False)
        self.checkins.add(b["appointment_id"])
        self.rig.post(ev.Finish(), "attract")

    def walk_in(self) -> None:
        r = self.rig
        couple = self.people.next_walk_in()
        if couple is None:
            self.rig.next_day()
            self.people = People(self.rig)
            couple = self.people.next_walk_in()
        a, c = self.people.cards(couple)  # another county: the city-wide service
        r.post(ev.Start(), "service_menu")
        r.post(ev.ChooseService("walk_in"), "choose_business")
        r.post(ev.ChooseBusiness("marriage"), "read_id_1")
        self.card(a, "read_id_2")
        self.card(c, "eligibility")
        d = r.shell.flow.session.decision
        self.expect(d is not None and d.decision == "accept", f"walk-in decision {d and d.decision}")
        r.post(ev.Continue(), "consent")
        r.post(ev.Consent(False), "confirm")
        r.post(ev.Confirm(), "done", 30)
        self._ticket()
        r.post(ev.Finish(), "attract")

    def redirect(self) -> None:
        b = self.people.next_elsewhere()
        if b is None:
            self.rig.next_day()
            self.people = People(self.rig)
            b = self.people.next_elsewhere()
        self.qr(b["qr"], "eligibility")
        d = self.rig.shell.flow.session.decision
        self.expect(d is not None and d.decision == "redirect", f"redirect decision {d and d.decision}")
        self.rig.post(ev.Finish(), "attract")

    def refuse(self) -> None:
        r = self.rig
        r.post(ev.Start(), "service_menu")
        r.post(ev.ChooseService("walk_in"), "choose_business")
        r.post(ev.ChooseBusiness("marriage"), "read_id_1")
        self.card(self.people.expired[0], "read_id_2")
        self.card(self.people.expired[1], "eligibility")
        d = r.shell.flow.session.decision
        self.expect(d is not None and d.decision == "refuse", f"refuse decision {d and d.decision}")
        r.post(ev.Finish(), "attract")

    def printer_problem(self) -> None:
        r = self.rig
        b = self.take_booking()
        self._booked_to_confirm(b, face=False)
        r.parts.devices.printer.sim.pull_paper()
        try:
            r.post(ev.Confirm(), "printer_problem", 40)
            self._ticket(offline=False)  # issued (checked in); the number is shown for the counter
            self.checkins.add(b["appointment_id"])
            r.post(ev.Finish(), "attract")
        finally:
            r.parts.devices.printer.sim.load_paper()

    def backend_down(self) -> None:
        from kiosk.harness.demo import NetworkCut

        r = self.rig
        link, network = r.parts.link, NetworkCut(r.parts.link.client)
        b = self.take_booking()
        _refresh(link.cache)  # today's bookings, cached while the server answered
        network.set(True)
        try:
            r.wait(lambda: not r.shell.flow.status.backend_online, 15, "backend seen down")
            self._booked_to_confirm(b, face=False)
            r.post(ev.Confirm(), "done", 40)
            self._ticket(offline=True)
            self.checkins.add(b["appointment_id"])
            r.post(ev.Finish(), "attract")
        finally:
            network.set(False)
        r.wait(lambda: r.shell.flow.status.backend_online, 15, "backend seen up")

    def idle_timeout(self) -> None:
        r = self.rig
        r.post(ev.Start(), "service_menu")
        r.post(ev.ChooseService("walk_in"), "choose_business")
        self.expect(r.shell.advance(r.shell.seconds["idle_s"]), "idle timer not armed")
        r.wait_state("idle_warning")
        self.expect(r.shell.advance(r.shell.seconds["idle_warning_s"]), "warning timer not armed")
        r.wait_state("attract")
        self.expect(r.shell.flow.session.is_empty, "session not wiped")

    def cancel(self) -> None:
        r = self.rig
        a, _ = self.people.cards(self.people.other[0])
        r.post(ev.Start(), "service_menu")
        r.post(ev.ChooseService("walk_in"), "choose_business")
        r.post(ev.ChooseBusiness("marriage"), "read_id_1")
        self.card(a, "read_id_2")
        r.post(ev.Cancel(), "attract")

    def run_one(self, name: str) -> None:
        r = self.rig
        t0 = time.perf_counter()
        try:
            getattr(self, name)()
            self.outcomes[name] = self.outcomes.get(name, 0) + 1
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0
        except Exception as e:
            self.failures.append(f"{name}: {type(e).__name__}: {e}")
            self.outcomes["failed"] = self.outcomes.get("failed", 0) + 1
            try:  # back to the start for the next applicant
                r.post(ev.Cancel())
                r.wait_state("attract", 60)
            except Exception:
                pass
        finally:
            r.parts.devices.idcard.sim.remove()
            r.people.forget()
            r.scheduler.drain()
