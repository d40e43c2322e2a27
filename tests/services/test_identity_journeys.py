"""Identity journeys headless, without Kivy: the shell around the real flow, the effect runner with the identity
steps (the simulated camera showing the demo's made-up people, the real face engine and the card photo through
the stand-in WLT decoder, the simulated fingerprint sensor with the stand-in matcher). The shell's timers fire by
hand (a manual scheduler); nothing waits on timing slack: every wait is for an event, with a generous limit."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import replace

import numpy as np
import pytest

from drivers.fingerprint.matcher import CardTemplateMatcher
from drivers.idcard.photo import photo_decoder
from drivers.idcard.sim_core import card_from_fixture
from drivers.idcard.sim_photo import photo_base64
from drivers.registry import create
from drivers.standin import build
from kiosk.app.shell import Shell
from kiosk.config import load_kiosk_config
from kiosk.flow import S
from kiosk.flow.effects import CaptureFace, CheckFinger, StopIdentity
from kiosk.flow.events import (
    Cancel,
    CardRead,
    ChooseService,
    Consent,
    Continue,
    FaceCaptured,
    QrScanned,
    RetakeFace,
    SkipFace,
    Start,
)
from kiosk.flow.table import FACE_OUTCOME_S
from kiosk.harness.people import SimulatedApplicants
from kiosk.services.effects import EffectRunner
from kiosk.services.identity import CardPhoto, FaceVerifier
from kiosk.services.identity.fingerprint import CardFingerprints
from kiosk.services.identity.steps import FacePreview, IdentitySteps
from tests.face.face_variants import FACES
from tests.flow.helpers import BOOKING, ENV, HER, HIM, TOKEN

WAIT_S = 90.0  # a busy machine: three captures with their comparisons
SECONDS = {"idle_s": 3600.0, "idle_warning_s": 60.0, "printing_s": 30.0, "done_s": 20.0}


class Scheduler:
    """The shell's scheduler driven by the test: `soon` queues for the test's thread; timers fire only by hand."""

    def __init__(self):
        self.main: queue.SimpleQueue = queue.SimpleQueue()

    class Handle:
        def cancel(self):
            pass

    def later(self, delay, fn):
        return self.Handle()

    def soon(self, fn):
        self.main.put(fn)


class Link:
    """The office link, as far as these journeys need it: the booking by its QR code."""

    def lookup(self, **query):
        # the office's answer, as JSON: the runner parses it into the flow's typed booking (BOOKING)
        parties = [{"id_number": p.id_number} for p in BOOKING.parties]
        answer = {"appointment_id": BOOKING.appointment_id, "office": BOOKING.office, "business": BOOKING.business}
        return [{**answer, "token": TOKEN, "parties": parties}], "server"

    def withdraw_assistance(self):
        pass


class Camera:
    """The simulated camera, counting opens and closes (is the camera released?). While `away` is set, the
    applicant has stepped out of the picture: an empty (black) frame, so no capture can end."""

    def __init__(self, source, log, away, wake):
        self.source, self.log, self.away, self.wake = source, log, away, wake

    def open(self):
        self.source.open()
        self.log.append("open")

    def read(self):
        frame = self.source.read()
        return np.zeros_like(frame) if self.away.is_set() else frame

    def close(self):
        self.source.close()
        if self.log[-1:] == ["open"]:
            self.log.append("close")
        self.wake()

    def __getattr__(self, name):
        return getattr(self.source, name)


def _card(person, face, fingers=0):
    fields = {
        "name": person.name,
        "sex": person.sex,
        "birth": person.birth,
        "address": person.address,
        "id_number": person.id_number,
        "valid_until": person.valid_until,
        "photo_base64": photo_base64(FACES / face),
        "fingerprint_templates": fingers,
    }
    return card_from_fixture(fields).record


@pytest.fixture(scope="module")
def engine_steps():
    """The face engine, loaded once for the module (as the kiosk loads it once, in the background)."""
    steps = IdentitySteps(load_kiosk_config().face, lambda card, follow: None)
    steps.load_engine()
    assert steps.engine is not None, steps.engine_error
    return steps.engine


class Kiosk:
    def __init__(self, engine, *, camera="sim://camera", fingerprint=False, liveness=False):
        config = load_kiosk_config()
        face = config.face.model_copy(update={"liveness": liveness})
        self.people = SimulatedApplicants()
        self.camera_log: list[str] = []
        self.away = threading.Event()  # the applicant out of the picture (Camera)
        plain = self.people.camera(camera, {"fps": 30.0})
        self.sensor = create("fingerprint", "sim://fingerprint") if fingerprint else None
        matcher = CardFingerprints(self.sensor, CardTemplateMatcher(str(build("fp_matcher"))), timeout_s=5.0)
        self.identity = IdentitySteps(
            face,
            lambda card, follow: Camera(plain(card, follow), self.camera_log, self.away, self._wake),
            FaceVerifier(CardPhoto(photo_decoder(str(build("wlt")))), face.match_threshold),
            matcher if fingerprint else None,
            self.people.place_finger,
        )
        self.identity.engine = engine
        self.scheduler = Scheduler()
        runner = EffectRunner(Link(), None, None, ENV.policy, identity=self.identity)
        env = replace(ENV, fingerprint=fingerprint)
        self.shell = Shell(env, runner, self.scheduler, SECONDS)
        self.seen: list[object] = []  # every event and effect, in order
        self.shown: list[str] = []  # the outcomes shown before the flow moved on
        self.shell.observers.append(self.seen.append)
        self.identity.start(self.shell.post_threadsafe)
        if self.sensor is not None:
            self.sensor.sim.start()

    def close(self):
        self.identity.stop()
        self.shell.close()

    def post(self, event):
        self.shell.post(event)

    def pump(self, done, timeout=WAIT_S, show_outcomes=True):
        """Run the shell's main-thread work until `done()`; a shown outcome's timer fires as the kiosk's would."""
        deadline = time.monotonic() + timeout
        while not done():
            session = self.shell.flow.session
            if show_outcomes and session.face_shown is not None:
                self.shown.append(session.face_shown.verdict)
                assert self.shell.advance(FACE_OUTCOME_S)  # the outcome's timer is armed: it fires
                continue
            left = deadline - time.monotonic()
            assert left > 0, f"waiting in {self.shell.flow.state}"
            try:
                self.scheduler.main.get(timeout=left)()
            except queue.Empty:
                pass

    def camera_running(self):
        """Wait for preview frames (the watcher wakes the pump: the capture's threads queue a no-op)."""
        if not hasattr(self, "_previews"):
            self._previews = threading.Event()

            def note(n):
                if isinstance(n, FacePreview) and not self._previews.is_set():
                    self._previews.set()
                    self._wake()

            self.identity.watch(note)
        return self._previews.is_set()

    def camera_released(self):
        """No capture running and every camera opened was closed (an effect's end and a close wake the pump)."""
        return not self.identity.busy and self.camera_log.count("open") == self.camera_log.count("close")

    def _wake(self):
        self.scheduler.soon(lambda: None)

    def until_state(self, state, timeout=WAIT_S):
        self.pump(lambda: self.shell.flow.state == state, timeout)

    def booked_couple(self, him, her):
        for event in (Start(), ChooseService("booked"), QrScanned(_qr())):
            self.post(event)
        self.pump(lambda: self.shell.flow.state == S.READ_ID_1)
        self.post(CardRead(him))
        self.post(CardRead(her))
        assert self.shell.flow.state == S.ELIGIBILITY, self.shell.flow.session.decision
        self.post(Continue())

    def verification(self):
        return [(c.verified_by, c.result) for c in self.shell.flow.session.verification]


def _qr():
    from kiosk.domain.appointment_qr import make_appointment_qr

    return make_appointment_qr("441621", TOKEN)


@pytest.fixture
def kiosk(engine_steps, request):
    k = Kiosk(engine_steps, **getattr(request, "param", {}))
    yield k
    k.close()


def _show(k, him_face, her_face, him=HIM, her=HER, fingers=0):
    him, her = _card(him, "grace_hopper.jpg", fingers), _card(her, "astronaut.png", fingers)
    k.people.show(him.id_number, FACES / him_face)
    k.people.show(her.id_number, FACES / her_face)
    return him, her


def test_booked_couple_verified_by_face(kiosk):
    him, her = _show(kiosk, "grace_hopper.jpg", "astronaut.png")
    kiosk.booked_couple(him, her)
    kiosk.post(Consent(True))
    kiosk.until_state(S.CONFIRM)
    assert kiosk.verification() == [("face", "match"), ("face", "match")]
    assert kiosk.shown == ["match", "match"]  # each outcome was shown before the flow moved on
    captures = [x for x in kiosk.seen if isinstance(x, CaptureFace)]
    assert [c.party for c in captures] == [1, 2] and captures[1].earlier  # party 1's face for the same-face check
    assert sum(isinstance(x, StopIdentity) for x in kiosk.seen) == 2
    assert kiosk.camera_log == ["open", "close"] * 2  # each party's capture released the camera


def test_no_match_retakes_then_the_counter_checks(kiosk):
    him, her = _show(kiosk, "astronaut.png", "astronaut.png")  # someone else stands in for party 1
    kiosk.booked_couple(him, her)
    kiosk.post(Consent(True))
    kiosk.until_state(S.FACE_2)
    assert kiosk.verification() == [("staff", "no_match")]
    assert kiosk.shown == ["no_match"] * 3  # three tries (face.attempts), each outcome shown
    assert sum(isinstance(x, CaptureFace) and x.party == 1 for x in kiosk.seen) == 3
    assert kiosk.shell.flow.session.attempts == 0


def test_a_retake_asks_for_a_fresh_capture_and_drops_the_running_one(kiosk):
    him, her = _show(kiosk, "grace_hopper.jpg", "astronaut.png")
    kiosk.booked_couple(him, her)
    kiosk.away.set()  # nobody in the picture yet: the capture runs and cannot end
    kiosk.post(Consent(True))
    kiosk.pump(kiosk.camera_running)  # the camera is running
    kiosk.post(RetakeFace())
    kiosk.away.clear()  # the applicant steps up for the fresh capture
    kiosk.until_state(S.FACE_2)
    assert kiosk.verification() == [("face", "match")]
    assert sum(isinstance(x, CaptureFace) and x.party == 1 for x in kiosk.seen) == 2
    assert sum(isinstance(x, FaceCaptured) for x in kiosk.seen) == 1  # the first capture's answer never came
    assert kiosk.camera_log[:4] == ["open", "close", "open", "close"]  # one capture at a time holds the camera


@pytest.mark.parametrize("kiosk", [{"fingerprint": True}], indirect=True)
def test_skip_face_then_the_fingerprint_matches(kiosk):
    him, her = _show(kiosk, "grace_hopper.jpg", "astronaut.png", fingers=2)
    kiosk.people.fingers[him.id_number] = f"{him.id_number}:right_index"
    kiosk.booked_couple(him, her)
    kiosk.post(Consent(True))
    kiosk.post(SkipFace())
    assert kiosk.shell.flow.state == S.FINGER_1
    kiosk.until_state(S.FACE_2)
    assert kiosk.verification() == [("fingerprint", "match")]
    assert [x.party for x in kiosk.seen if isinstance(x, CheckFinger)] == [1]
    kiosk.post(Cancel())  # party 2 walks away mid-capture: the session ends, the camera is released
    kiosk.pump(kiosk.camera_released)


@pytest.mark.parametrize("kiosk", [{"camera": "sim://camera/absent"}], indirect=True)
def test_no_camera_is_a_device_fault_and_the_counter_takes_over(kiosk):
    him, her = _show(kiosk, "grace_hopper.jpg", "astronaut.png")
    kiosk.booked_couple(him, her)
    kiosk.post(Consent(True))
    kiosk.until_state(S.DEVICE_FAULT)
    assert "camera" in kiosk.shell.flow.status.devices_down
    kiosk.pump(kiosk.camera_released)  # the capture ended with the face step
    kiosk.post(SkipFace())  # from the fault screen: nobody's face today, the counter checks
    assert kiosk.shell.flow.state == S.CONFIRM
    assert kiosk.verification() == [("staff", "unavailable"), ("staff", "unavailable")]


def test_leaving_mid_capture_releases_the_camera_and_ignores_a_late_result(kiosk):
    him, her = _show(kiosk, "grace_hopper.jpg", "astronaut.png")
    kiosk.booked_couple(him, her)
    kiosk.away.set()  # nobody in the picture yet: the capture runs and cannot end
    kiosk.post(Consent(True))
    kiosk.pump(kiosk.camera_running)
    kiosk.post(Cancel())
    assert kiosk.shell.flow.state == S.ATTRACT and kiosk.shell.flow.session.is_empty
    kiosk.pump(kiosk.camera_released)
    assert kiosk.camera_log == ["open", "close"]
    assert not any(isinstance(x, FaceCaptured) for x in kiosk.seen)
    # a result from a capture the flow has left is never applied (the flow's guard, whatever the shell)
    kiosk.post(FaceCaptured(None))
    assert kiosk.shell.flow.state == S.ATTRACT
