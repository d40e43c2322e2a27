"""Shared by the two face screens: live preview with the oval guide, hints from the quality checks and the liveness
challenge, a progress countdown while the applicant holds still, then the comparison's outcome (shown and said
while the flow's timer runs). The capture itself is the flow's CaptureFace effect, carried out by the identity
steps (kiosk/services/identity/steps.py) in the shell's workers; the screen only watches their hints and preview
frames. Retake, and skip (the fingerprint or the registrar at the counter instead)."""

from __future__ import annotations

import math

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.domain.verification import FaceResult
from kiosk.flow.events import RetakeFace, SkipFace
from kiosk.services.identity.steps import FacePreview, FaceProgress, Note
from kiosk.ui.screens.base import KioskScreen

CHALLENGES = ("blink", "turn_left", "turn_right")  # the liveness challenges: said aloud, and retake is offered
GOOD = ("ok", "comparing", *CHALLENGES)  # the face is where it should be: the oval turns green


def outcome_of(result: FaceResult | None) -> str:
    """The comparison with the ID photo, as the applicant is told it (face_outcome_<key>)."""
    if result is None:
        return ""
    if result.reason in ("liveness_failed", "same_face"):
        return result.reason
    return {"match": "match", "no_match": "no_match"}.get(result.verdict, "unavailable")


class FaceScreen(KioskScreen):
    party_no = NumericProperty(1)
    hint = StringProperty("starting")  # guidance code (face_<code> in the catalog)
    progress = NumericProperty(0.0)
    countdown = NumericProperty(0)
    attempt = NumericProperty(0)  # retakes so far (the flow's count), shown after a no-match
    outcome = StringProperty("")  # the comparison's outcome (the flow's face_shown), until the flow moves on
    _watching = False

    def on_enter(self, *a):
        self._fresh()
        identity = self._identity()
        if identity is not None and not self._watching:
            identity.watch(self._note)
            self._watching = True
        self.update(self.app.shell.flow)

    def update(self, flow):
        here = flow.state.value == self.name
        attempts = flow.session.attempts if here else 0
        if attempts != self.attempt:
            self.attempt = attempts
            if attempts and here:
                self._fresh()  # no match, tries left: the flow asked for a fresh capture
        outcome = outcome_of(flow.session.face_shown) if here else ""
        if outcome != self.outcome:
            self.outcome = outcome
            if outcome and self.manager is not None and self.manager.current == self.name:
                self.ids.preview.good = outcome == "match"
                self.app.voice.say((f"face_outcome_{outcome}",), self.app.lang)

    def _identity(self):
        return getattr(self.app, "identity", None)  # None: screenshots, no devices

    def _fresh(self):
        self.hint, self.progress, self.outcome = "starting", 0.0, ""

    def _note(self, note: Note) -> None:
        """From the capture's threads: hand over to Kivy's."""
        if isinstance(note, FaceProgress) and note.party == self.party_no:
            Clock.schedule_once(lambda dt: self._progress(note.hint, note.progress))
        elif isinstance(note, FacePreview) and note.party == self.party_no:
            Clock.schedule_once(lambda dt: self._frame(note.frame))

    def _showing(self) -> bool:
        return self.manager is not None and self.manager.current == self.name and not self.outcome

    def _progress(self, code, p):
        if not self._showing():
            return
        if code != self.hint and code in CHALLENGES:
            self.app.voice.say((f"face_{code}",), self.app.lang)  # said once, when the challenge appears
        self.hint = code
        self.progress = p
        self.ids.preview.good = code in GOOD
        identity = self._identity()
        needed = identity.face.consecutive_good_frames if identity is not None else 5
        self.countdown = math.ceil(p) if code == "models_unavailable" else max(0, math.ceil((1 - p) * needed / 5))

    def _frame(self, frame):
        if self._showing():
            self.ids.preview.show_frame(frame)
            if self.hint == "starting":
                self.hint = "look"  # the camera is open: no "opening the camera" over a live picture

    def on_leave(self, *a):
        identity = self._identity()
        if identity is not None and self._watching:
            identity.unwatch(self._note)
        self._watching = False
        self.clear()

    def retake(self):
        self._fresh()
        self.send(RetakeFace())

    def skip(self):
        self.send(SkipFace())

    def clear(self):
        self.ids.preview.clear()
        self.hint, self.progress, self.countdown, self.attempt, self.outcome = "starting", 0.0, 0, 0, ""


class Face1Screen(FaceScreen):
    """The first party's photo."""


class Face2Screen(FaceScreen):
    """The second party's photo."""
