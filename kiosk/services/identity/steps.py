"""The identity steps the flow asks for (CaptureFace, CheckFinger, StopIdentity), carried out in the shell's
workers: the face session (camera, face engine, liveness, comparison with the reference) and the fingerprint
check. Each answers one event (FaceCaptured, FingerChecked); the camera's faults and recoveries go to the sink
given at start (DeviceFault/DeviceRecovered("camera")).

What only a screen shows (hints, the preview's frames, the analysis rate) goes to the watchers (`watch`), never
through the flow. The camera factory and the finger placer are ports: the configured camera and nothing, or the
demo harness's simulated applicants (kiosk/harness/people.py).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol, cast

from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.verification import FaceResult, FingerOutcome
from kiosk.flow.effects import CaptureFace, CheckFinger, Effect, StopIdentity
from kiosk.flow.events import DeviceFault, DeviceRecovered, Event, FaceCaptured, FingerChecked

if TYPE_CHECKING:
    import numpy as np

    from drivers.camera.port import FrameSource
    from drivers.fingerprint.port import FingerprintResult
    from kiosk.config import FaceSection
    from kiosk.services.face.pipeline import FaceEngine
    from kiosk.services.identity.fingerprint import CardFingerprints
    from kiosk.services.identity.reference import FaceVerifier

log = logging.getLogger(__name__)
Sink = Callable[[Event], None]


class OpenCamera(Protocol):
    """Open the camera for `card`'s holder (called from the capture thread). `follow()` is the instruction on
    screen (blink, turn_left, …): a simulated person does what it says."""

    def __call__(self, card: IdCardRecord, follow: Callable[[], str]) -> FrameSource: ...


class PlaceFinger(Protocol):
    """Before a check (`down`) and after it (not `down`): a simulated applicant lays their finger on the sensor."""

    def __call__(self, sensor: object, card: IdCardRecord, down: bool) -> None: ...


class Applicants(Protocol):
    """Who stands in front of a simulated camera and sensor (the demo's, kiosk/harness/people.py)."""

    def camera(self, url: str, options: dict[str, object] | None = None) -> OpenCamera: ...

    def place_finger(self, sensor: object, card: IdCardRecord, down: bool) -> None: ...


def configured_camera(url: str, options: dict[str, object] | None = None) -> OpenCamera:
    """The camera of devices.camera, whoever stands in front of it."""

    def open_camera(card: IdCardRecord, follow: Callable[[], str]) -> FrameSource:
        from drivers.registry import create

        source: FrameSource = create("camera", url, **(options or {}))
        return source

    return open_camera


# --- what the face screen shows (UI only) -------------------------------------------------------------------


@dataclass(frozen=True)
class FaceProgress:
    party: int
    hint: str  # a guidance code (face_<code> in the catalogs): look, closer, blink, comparing, …
    progress: float  # the good-frame streak 0..1; seconds left when hint == models_unavailable


@dataclass(frozen=True)
class FacePreview:
    party: int
    frame: np.ndarray[Any, Any] = field(repr=False)  # a small BGR copy for the preview


@dataclass(frozen=True)
class FaceRate:
    frames_per_s: float  # frames the face step analyses a second (the maintenance board, metrics)


Note = FaceProgress | FacePreview | FaceRate


class IdentitySteps:
    def __init__(
        self,
        face: FaceSection,
        open_camera: OpenCamera,
        verifier: FaceVerifier | None = None,
        fingerprint: CardFingerprints | None = None,
        place_finger: PlaceFinger | None = None,
    ):
        self.face, self.open_camera, self.verifier = face, open_camera, verifier
        self.fingerprint, self.place_finger = fingerprint, place_finger
        self.engine: FaceEngine | None = None  # loaded in the background (load_engine)
        self.engine_error = ""
        self._sink: Sink | None = None
        self._watchers: list[Callable[[Note], None]] = []
        self._lock = threading.Lock()
        self._running: dict[int, _Run] = {}  # id of a running effect → how it is told to end
        self._ended_early: dict[int, Effect] = {}  # ended before its worker began (held: the id stays its own)
        self._camera = threading.Lock()  # one face session holds the camera at a time

    # --- lifecycle ------------------------------------------------------------------------------------------
    def start(self, sink: Sink) -> None:
        """Camera faults and recoveries go to `sink` (any thread) from now on."""
        self._sink = sink

    def load_engine(self) -> None:
        """Load the face models (~0.5 s holding the GIL; call from a thread). Face screens wait for them."""
        if not self.face.enabled or self.engine is not None:
            return
        try:
            from kiosk.services.face.pipeline import FaceEngine

            self.engine = FaceEngine.load()
        except Exception as e:
            self.engine_error = str(e) or type(e).__name__
            log.warning("face engine unavailable: %s", e)

    def stop(self) -> None:
        with self._lock:
            for run in self._running.values():
                run.end()
        if self.fingerprint is not None:
            self.fingerprint.close()

    @property
    def busy(self) -> bool:
        """A capture or finger check is running (or stopping)."""
        with self._lock:
            return bool(self._running)

    # --- the observer channel ---------------------------------------------------------------------------------
    def watch(self, watcher: Callable[[Note], None]) -> None:
        """`watcher(note)` is called from worker threads: hand the note to your own thread."""
        self._watchers.append(watcher)

    def unwatch(self, watcher: Callable[[Note], None]) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)

    def _tell(self, note: Note) -> None:
        for watcher in list(self._watchers):
            try:
                watcher(note)
            except Exception:  # a screen's bug must not stop the capture
                log.exception("identity watcher failed")

    # --- effects ----------------------------------------------------------------------------------------------
    def run(self, effect: Effect) -> Event | None:
        if isinstance(effect, CaptureFace):
            return self.capture_face(effect)
        if isinstance(effect, CheckFinger):
            return self.check_finger(effect)
        if isinstance(effect, StopIdentity):  # the shell has ended the running step (Effect.ends)
            return None
        raise TypeError(type(effect).__name__)

    def cancel(self, effect: Effect) -> None:
        """End a running capture or finger check: it releases the camera (or sensor) and answers nothing."""
        with self._lock:
            run = self._running.get(id(effect))
            if run is None:  # its worker has not begun yet: it ends as soon as it does
                self._ended_early[id(effect)] = effect
        if run is not None:
            run.end()

    def _begin(self, effect: Effect) -> _Run:
        run = _Run()
        with self._lock:
            self._running[id(effect)] = run
            if self._ended_early.pop(id(effect), None) is effect:
                run.end()
        return run

    def _done(self, effect: Effect) -> None:
        with self._lock:
            self._running.pop(id(effect), None)

    def capture_face(self, e: CaptureFace) -> Event | None:
        run = self._begin(e)
        try:
            with self._camera:  # the capture before this one has let the camera go
                if run.ended:
                    return None
                return self._capture(e, run)
        finally:
            self._done(e)

    def _capture(self, e: CaptureFace, run: _Run) -> Event | None:
        from kiosk.services.face.session import FaceSession

        results: list[FaceResult | None] = []
        hint = ["starting"]
        verifier, card, party = self.verifier, e.card, e.party

        def progress(code: str, p: float) -> None:
            hint[0] = code
            self._tell(FaceProgress(party, code, p))

        def done(result: object) -> None:  # the pipeline's PartyFaceResult, or None: no photo
            results.append(cast("FaceResult | None", result))
            run.wake.set()

        def frame(image: object) -> None:  # a small BGR copy
            self._tell(FacePreview(party, cast("np.ndarray[Any, Any]", image)))

        def fault(code: str, is_fault: bool) -> None:
            if self._sink is not None and (is_fault or code == "ok"):
                self._sink(DeviceFault("camera", code) if is_fault else DeviceRecovered("camera"))

        session = FaceSession(
            lambda: self.open_camera(card, lambda: hint[0]),
            lambda: self.engine,
            needed=self.face.consecutive_good_frames,
            liveness=self.face.liveness,
            party=party,
            verify=(lambda engine, result: verifier.verify(engine, card, result, e.earlier)) if verifier else None,
            on_rate=lambda fps: self._tell(FaceRate(fps)),
            on_progress=progress,
            on_frame=frame,
            on_done=done,
            on_fault=fault,
        )
        session.start()
        try:
            run.wake.wait()
        finally:
            session.stop()  # the camera is released before the next capture may open it
        if run.ended or not results:  # ended from outside (the flow left the step, or a newer capture)
            for result in results:
                if result is not None:
                    result.wipe()
            return None
        return FaceCaptured(results[0])

    def check_finger(self, e: CheckFinger) -> Event | None:
        run = self._begin(e)
        try:
            result = self._finger(e.card, run.wake)
        finally:
            self._done(e)
        if run.ended:
            return None
        return FingerChecked(FingerOutcome(result.outcome), result.score)

    def _finger(self, card: IdCardRecord, stop: threading.Event) -> FingerprintResult:
        """Compare a finger on the sensor with `card`'s templates (blocking, in a worker)."""
        from drivers.fingerprint.port import FingerprintResult

        if self.fingerprint is None:
            return FingerprintResult("unavailable", reason="no fingerprint device")
        sensor = self.fingerprint.sensor
        if self.place_finger is not None:
            self.place_finger(sensor, card, True)
        try:
            return self.fingerprint.check(bytes(card.fingerprints), stop)
        finally:
            if self.place_finger is not None:
                self.place_finger(sensor, card, False)


class _Run:
    """A running capture or finger check: `wake` is set when it has its answer or is ended from outside."""

    def __init__(self) -> None:
        self.wake = threading.Event()
        self.ended = False

    def end(self) -> None:
        self.ended = True
        self.wake.set()
