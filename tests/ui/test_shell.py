"""The shell without Kivy: timers, touches, effects in workers and results back on the 'main thread'."""

import queue
import threading
import time
from datetime import date

import pytest

from kiosk.config import load_offices, load_policy
from kiosk.flow import FlowEnv, State
from kiosk.domain.appointment import Appointment
from kiosk.flow.events import AppointmentFound, ChooseService, QrScanned, Start
from kiosk.flow.effects import LookupAppointment
from kiosk.app.shell import Shell

from ..flow.helpers import SECONDS


class ManualScheduler:
    def __init__(self):
        self.timers = []
        self.main = queue.Queue()

    class H:
        def __init__(self, owner, entry):
            self.owner, self.entry = owner, entry

        def cancel(self):
            if self.entry in self.owner.timers:
                self.owner.timers.remove(self.entry)

    def later(self, delay, fn):
        entry = (delay, fn)
        self.timers.append(entry)
        return self.H(self, entry)

    def soon(self, fn):
        self.main.put(fn)

    def drain(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.main.get(timeout=0.05)()
            except queue.Empty:
                return


class FakeEffects:
    def __init__(self, office):
        self.office, self.seen = office, []

    def run(self, effect):
        self.seen.append((type(effect).__name__, threading.current_thread().name))
        if isinstance(effect, LookupAppointment):
            return AppointmentFound(Appointment("AP1", self.office, "marriage"))
        return None


@pytest.fixture
def shell():
    offices = load_offices()
    env = FlowEnv(load_policy("national-2025"), offices, "441621", date(2026, 11, 26))
    sched = ManualScheduler()
    s = Shell(env, FakeEffects("441621"), sched, SECONDS)
    yield s, sched
    s.close()


def test_idle_timer_armed_and_rearmed_on_touch(shell):
    s, sched = shell
    s.post(Start())
    assert s.flow.state == State.SERVICE_MENU
    assert [d for d, _ in sched.timers] == [60]
    first = sched.timers[0]
    s.touched()
    assert len(sched.timers) == 1 and sched.timers[0] is not first


def test_advance_fires_idle_then_warning(shell):
    s, sched = shell
    s.post(Start())
    assert s.advance(60) and s.flow.state == State.IDLE_WARNING
    assert 24 <= s.time_left() <= 25
    assert s.advance(25) and s.flow.state == State.ATTRACT


def test_effects_run_in_workers_and_come_back(shell):
    s, sched = shell
    s.post(Start())
    s.post(ChooseService("booked"))
    from kiosk.domain.appointment_qr import make_appointment_qr

    s.post(QrScanned(make_appointment_qr("441621", "ABCDEFGHJKLMNPQR")))
    assert s.busy
    sched.drain()
    assert not s.busy
    assert s.flow.state == State.READ_ID_1
    name, thread = s.effects.seen[0]
    assert name == "LookupAppointment" and thread.startswith("effect")


def test_session_end_wipes_faces(shell):
    s, sched = shell

    class Face:
        wiped = False

        def wipe(self):
            self.wiped = True

    from dataclasses import replace

    face = Face()
    s.post(Start())
    s.flow = replace(s.flow, session=replace(s.flow.session, faces=(face,)))
    from kiosk.flow.events import Cancel

    s.post(Cancel())
    assert face.wiped and s.flow.session.is_empty
    sched.drain()
    assert ("SessionEnded",) == tuple(n for n, _ in s.effects.seen if n == "SessionEnded")


def test_an_ended_effects_answer_is_dropped_even_when_it_is_done_but_not_yet_delivered(shell):
    """The flow left the face step (StopIdentity) after the capture finished but before its answer reached the
    main thread: the answer is dropped, the result wiped; a capture still running is asked to stop."""
    from concurrent.futures import wait
    from dataclasses import replace

    from kiosk.domain.idcard_record import IdCardRecord
    from kiosk.flow import S
    from kiosk.flow.effects import CaptureFace, StopIdentity
    from kiosk.flow.events import FaceCaptured

    s, sched = shell
    stopped: list[object] = []
    release, running = threading.Event(), threading.Event()

    class Face:
        verdict, score, reason, party, wiped = "match", 0.9, "", 1, False

        def wipe(self):
            self.wiped = True

    face = Face()

    class Identity:
        def run(self, effect):
            if isinstance(effect, StopIdentity):
                return None
            if effect.party == 2:
                running.set()
                release.wait(30)  # runs until told to stop
                return None
            return FaceCaptured(face)

        def cancel(self, effect):
            stopped.append(effect)
            release.set()

    s.effects = Identity()
    card = IdCardRecord("resident_id", name="x", sex="male", birth="1990-01-01", id_number="1")
    s.flow = replace(s.flow, state=S.FACE_1, session=replace(s.flow.session, cards=(card,)))
    first = CaptureFace(1, card)
    s._submit(first)
    wait([f for f, e in s._futures.items() if e is first], timeout=30)  # done; its answer waits for the main thread
    s._submit(StopIdentity())
    sched.drain()
    assert s.flow.state == S.FACE_1 and s.flow.session.face_shown is None and face.wiped and stopped == []
    second = CaptureFace(2, card)
    s._submit(second)
    assert running.wait(30)
    s._submit(StopIdentity())  # running: asked to stop
    assert stopped == [second]


class Calendar:
    """The shell's `today`, moved by hand."""

    def __init__(self, day):
        self.day = day

    def __call__(self):
        return self.day


def _booked_code_used(s, sched):
    from kiosk.domain.appointment_qr import make_appointment_qr
    from kiosk.flow.events import Cancel

    s.post(QrScanned(make_appointment_qr("441621", "ABCDEFGHJKLMNPQR")))
    sched.drain()
    s.post(AppointmentFound(Appointment("AP1", "441621", "marriage", token="ABCDEFGHJKLMNPQR")))
    s.post(Cancel())


def test_a_new_day_refreshes_today_and_forgets_used_booking_codes():
    env = FlowEnv(load_policy("national-2025"), load_offices(), "441621", date(2026, 11, 26))
    sched, calendar = ManualScheduler(), Calendar(date(2026, 11, 26))
    s = Shell(env, FakeEffects("441621"), sched, SECONDS, today=calendar)
    try:
        _booked_code_used(s, sched)
        assert s.flow.status.used_tokens and s.env.today == date(2026, 11, 26)  # same day: the code stays used
        calendar.day = date(2026, 11, 27)
        s.post(Start())  # the first touch of the next day
        assert s.env.today == date(2026, 11, 27) and not s.flow.status.used_tokens
    finally:
        s.close()


def test_the_first_session_after_a_quiet_night_is_decided_with_that_days_date():
    """Issue 16: today was refreshed only on *entering* attract; a kiosk left on attract overnight decided the
    morning's first applicant with yesterday's date (fails on the old shell)."""
    env = FlowEnv(load_policy("heyuan-citywide-2021"), load_offices(), "441621", date(2026, 11, 26))
    sched, calendar = ManualScheduler(), Calendar(date(2026, 11, 26))
    s = Shell(env, FakeEffects("441621"), sched, SECONDS, today=calendar)
    seen = []
    s.listeners.append(lambda old, new, event: seen.append((type(event).__name__, s.env.today)))
    try:
        calendar.day = date(2026, 11, 27)  # the night passes on the attract screen
        s.post(Start())
        assert ("Start", date(2026, 11, 27)) in seen and s.flow.state == State.SERVICE_MENU
    finally:
        s.close()


def test_a_day_change_while_idle_resets_the_days_state_without_any_touch(tmp_path):
    """The day watch: at midnight the used booking codes and today's counters start afresh even if nobody comes."""
    from kiosk.flow import effects as fx
    from kiosk.flow.events import TicketIssued
    from kiosk.maintenance.counters import DailyCounters

    env = FlowEnv(load_policy("heyuan-citywide-2021"), load_offices(), "441621", date(2026, 11, 26))
    sched, calendar = ManualScheduler(), Calendar(date(2026, 11, 26))
    s = Shell(env, FakeEffects("441621"), sched, SECONDS, today=calendar)
    counters = DailyCounters(calendar, tmp_path / "counters-today.json")
    s.observers.append(counters.observe)
    try:
        _booked_code_used(s, sched)
        counters.observe(fx.IssueTicket("marriage", None, ()))
        counters.observe(TicketIssued({"number": "A001", "business": "marriage"}))
        s.watch_day(every_s=30)
        assert [d for d, _ in sched.timers] == [30]
        sched.timers[0][1]()  # the watch fires: same day, nothing changes
        assert s.flow.status.used_tokens and counters.day == "2026-11-26"
        calendar.day = date(2026, 11, 27)
        sched.timers[-1][1]()  # after midnight, nobody there
        assert s.env.today == date(2026, 11, 27) and not s.flow.status.used_tokens
        assert s.flow.state == State.ATTRACT and counters.day == "2026-11-27"
        import json

        assert json.loads((tmp_path / "counters-today.json").read_text())["day"] == "2026-11-27"
    finally:
        s.close()


def test_following_a_staff_call_is_no_work_in_progress(shell):
    """The kiosk asks every second whether a counter took its call: the journeys' "settled" (not busy) and a
    shutdown's drain do not wait for that."""
    from kiosk.flow.events import CallStaff, StaffCalled

    s, sched = shell
    release = threading.Event()
    real_run = s.effects.run

    def run(effect):
        if type(effect).__name__ == "FollowStaffCall":
            release.wait(10)
            return None
        return real_run(effect)

    s.effects.run = run
    s.post(Start())
    s.post(CallStaff())
    sched.drain()
    s.post(StaffCalled(True, 5))
    assert s.flow.session.assistance == "sent"
    deadline = time.monotonic() + 10
    while not any(type(e).__name__ == "FollowStaffCall" for e in s.running_effects()):
        assert time.monotonic() < deadline, "the call is not followed"
        time.sleep(0.01)
    assert not s.busy and s.drain(0.01) == 0  # it runs, and nobody waits for it
    release.set()
