"""Shared by the two face screens: live preview with the oval guide, hints from the quality checks and the liveness
challenge, a progress countdown while the applicant holds still, then the comparison with the reference photo
(in the face session's worker) whose outcome comes back to the flow as FaceCaptured. Retake, and skip (the
fingerprint or the registrar at the counter instead)."""

from __future__ import annotations

import math
import threading

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.domain.idcard_record import IdCardRecord
from kiosk.flow.events import DeviceFault, DeviceRecovered, FaceCaptured, SkipFace
from kiosk.ui.screens.base import KioskScreen

CHALLENGES = ("blink", "turn_left", "turn_right")  # the liveness challenges: said aloud, and retake is offered
GOOD = ("ok", "comparing", *CHALLENGES)  # the face is where it should be: the oval turns green
OUTCOME_S = 1.8  # how long the comparison's outcome stays up (and is said) before the flow moves on


def outcome_of(result) -> str:
    """The comparison with the ID photo, as the applicant is told it (face_outcome_<key>)."""
    if result is None:
        return ""
    reason = getattr(result, "reason", "")
    if reason in ("liveness_failed", "same_face"):
        return reason
    return {"match": "match", "no_match": "no_match"}.get(getattr(result, "verdict", ""), "unavailable")


class FaceScreen(KioskScreen):
    party_no = NumericProperty(1)
    hint = StringProperty("starting")  # guidance code (face_<code> in the catalog)
    progress = NumericProperty(0.0)
    countdown = NumericProperty(0)
    attempt = NumericProperty(0)  # retakes so far (the flow's count), shown after a no-match
    outcome = StringProperty("")  # the comparison's outcome, shown (and said) before the flow moves on
    session = None

    def on_enter(self, *a):
        self._start()

    def update(self, flow):
        attempts = flow.session.attempts if flow.state.value == self.name else 0
        if attempts != self.attempt:
            self.attempt = attempts
            if attempts and self.manager is not None and self.manager.current == self.name:
                self._start()  # the flow asked for a retake (no match): a fresh capture

    def _start(self):
        self._stop_session()
        app = self.app
        kiosk = getattr(app, "kiosk", None)
        self.hint, self.progress, self.outcome = "starting", 0.0, ""
        if kiosk is None:
            return
        from kiosk.services.face.session import FaceSession

        party = int(self.party_no)
        flow = app.shell.flow
        cards = flow.session.cards
        card = cards[party - 1] if len(cards) >= party else None
        earlier = tuple(r for r in flow.session.faces if r.party not in (0, party))
        verifier, config = kiosk.verifier, kiosk.config.face
        self._done = False
        self.session = FaceSession(
            lambda: kiosk.open_camera(_holder(card), follow=lambda: self.hint),
            lambda: kiosk.face_engine,
            needed=config.consecutive_good_frames,
            liveness=config.liveness,
            party=party,
            verify=(lambda engine, result: verifier.verify(engine, card, result, earlier)) if verifier else None,
            on_rate=getattr(kiosk, "face_rate", None),
            on_progress=lambda code, p: Clock.schedule_once(lambda dt: self._progress(code, p)),
            on_frame=lambda frame: Clock.schedule_once(lambda dt: self._frame(frame)),
            on_done=lambda result: Clock.schedule_once(lambda dt: self._captured(result)),
            on_fault=lambda code, fault: (
                app.shell.post_threadsafe(DeviceFault("camera", code) if fault else DeviceRecovered("camera"))
                if fault or code == "ok"
                else None
            ),
        )
        self.session.start()

    def _progress(self, code, p):
        if self.manager is None or self.manager.current != self.name or self.session is None or self.outcome:
            return
        if code != self.hint and code in CHALLENGES:
            self.app.voice.say((f"face_{code}",), self.app.lang)  # said once, when the challenge appears
        self.hint = code
        self.progress = p
        self.ids.preview.good = code in GOOD
        needed = getattr(self.app.kiosk.config.face, "consecutive_good_frames", 5) if self.app.kiosk else 5
        self.countdown = math.ceil(p) if code == "models_unavailable" else max(0, math.ceil((1 - p) * needed / 5))

    def _frame(self, frame):
        if self.manager is not None and self.manager.current == self.name:
            self.ids.preview.show_frame(frame)
            if self.hint == "starting":
                self.hint = "look"  # the camera is open: no "opening the camera" over a live picture

    def _captured(self, result):
        if self._done or self.manager is None or self.manager.current != self.name:
            if result is not None:
                result.wipe()
            return
        self._done = True
        self.outcome = outcome_of(result)
        if not self.outcome:
            self.app.post(FaceCaptured(result), touch=False)
            return
        self.ids.preview.good = self.outcome == "match"
        self.app.voice.say((f"face_outcome_{self.outcome}",), self.app.lang)
        Clock.schedule_once(lambda dt: self._report(result), OUTCOME_S)

    def _report(self, result):
        if self.manager is None or self.manager.current != self.name or not self._done:  # left, or a new capture
            if result is not None:
                result.wipe()
            return
        self.app.post(FaceCaptured(result), touch=False)

    def _stop_session(self):
        session, self.session = self.session, None
        if session is not None:
            # Joining the camera and pipeline threads takes a frame or two: never on the main thread.
            threading.Thread(target=session.stop, daemon=True).start()

    def on_leave(self, *a):
        self._stop_session()
        self.clear()

    def retake(self):
        self.app.touches += 1
        if self.session is not None:
            self.session.restart_capture()

    def skip(self):
        self.send(SkipFace())

    def clear(self):
        self.ids.preview.clear()
        self.hint, self.progress, self.countdown, self.attempt, self.outcome = "starting", 0.0, 0, 0, ""


def _holder(card: IdCardRecord | None) -> str:
    return "" if card is None else card.id_number


class Face1Screen(FaceScreen):
    """The first party's photo."""


class Face2Screen(FaceScreen):
    """The second party's photo."""
