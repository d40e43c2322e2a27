"""An active liveness challenge: the applicant is asked to blink or to turn the head, chosen at random.

`LivenessChallenge` is a pure state object: it is fed one `Observation` per frame (time, the five landmarks,
an eye-openness figure) and answers pending / passed / failed. No clock, no camera, no randomness of its own:
the caller passes the seed. A printed photo held up cannot blink, and turning a flat photo moves the nose with
the eyes, so a turn does not register either.

Directions are the applicant's own: facing the camera, their left is the image's right, so turning left moves
the nose towards the image's right (yaw grows). Set `mirrored` if the camera delivers mirrored frames.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from kiosk.services.face.quality import head_pose

KINDS = ("blink", "turn_left", "turn_right")
PENDING, PASSED, FAILED = "pending", "passed", "failed"


@dataclass(frozen=True)
class Observation:
    t: float  # seconds, any origin
    landmarks: np.ndarray | None = None  # 5×2, or None when no single face was seen
    eye_openness: float | None = None  # from eye_openness(); None if not measured


def eye_openness(frame: np.ndarray, landmarks: np.ndarray) -> float:
    """How open the eyes look: vertical edge energy (lids, iris, pupil) around both eye landmarks, relative to
    the patch brightness. It falls when the lids close over the dark iris. Heuristic: compare only with the
    same person's own frames (the challenge keeps a baseline)."""
    import cv2

    eye_r, eye_l = landmarks[0], landmarks[1]
    r = max(3, int(np.hypot(*(eye_l - eye_r)) * 0.22))
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    energy = []
    for x, y in (eye_r, eye_l):
        x, y = int(x), int(y)
        patch = grey[max(y - r, 0) : y + r, max(x - r, 0) : x + r].astype(np.float32)
        if patch.size < 9:
            continue
        dy = np.abs(np.diff(patch, axis=0))
        energy.append(float(dy.mean()) / max(float(patch.mean()), 1.0))
    return float(np.mean(energy)) if energy else 0.0


class LivenessChallenge:
    """`steps` challenges drawn from `kinds` with `seed`; each must be done within `step_timeout_s`."""

    def __init__(
        self,
        seed: int,
        *,
        kinds=KINDS,
        steps: int = 1,
        step_timeout_s: float = 8.0,
        turn_yaw: float = 0.2,
        back_yaw: float = 0.1,
        closed_ratio: float = 0.65,
        reopened: float = 0.5,
        mirrored: bool = False,
        steady: float = 0.12,
        settle_s: float = 0.3,
    ):
        rng = random.Random(seed)
        self.challenges = [rng.choice(list(kinds)) for _ in range(steps)]
        self.step_timeout_s, self.turn_yaw, self.back_yaw = step_timeout_s, turn_yaw, back_yaw
        # Eyes count as open again once back `reopened` of the way from the most closed value to the baseline: the
        # baseline itself may have been measured a little nearer or farther (a person still settling).
        self.closed_ratio, self.reopened, self.mirrored = closed_ratio, reopened, mirrored
        self.steady = steady  # how far (a share of the face's height) the face may move or grow mid-gesture
        # The baseline is taken over this long (wall-clock seconds, whatever the frame rate) while the face holds
        # still: at 15 frames a second three frames were 0.2 s of a person still stepping closer (issue 23).
        self.settle_s = settle_s
        self.status = PENDING
        self._step = 0
        self._reset_step()

    def _reset_step(self) -> None:
        self._started: float | None = None
        self._settle()

    def _settle(self) -> None:
        self._baseline: list[float] = []  # yaw or openness while settling
        self._placed: list[tuple[float, float, float]] = []  # the face's height and centre while settling
        self._settle_t: float | None = None  # when the current settling began
        self._closed = float("inf")  # the lowest eye openness seen since the eyes closed
        self._phase = "settle"  # settle → act → back

    def _moved(self, landmarks: np.ndarray, kind: str | None) -> bool:
        """Did the face move or change size since it settled? A photo carried towards the camera or waved about
        changes the measures a gesture is judged by; a head that turns or blinks stays in place."""
        eyes, mouth = (landmarks[0] + landmarks[1]) / 2, (landmarks[3] + landmarks[4]) / 2
        height = float(abs(mouth[1] - eyes[1])) or 1.0
        cx, cy = (float(v) for v in landmarks.mean(axis=0))
        if self._phase == "settle":
            if self._placed:
                h0, x0, y0 = self._placed[0]
                if abs(height - h0) > self.steady * h0 / 2 or max(abs(cx - x0), abs(cy - y0)) > self.steady * h0:
                    self._settle()  # still coming closer or moving: settle afresh from here
            self._placed.append((height, cx, cy))
            return False
        h0, x0, y0 = (float(np.median([p[i] for p in self._placed])) for i in range(3))
        sideways = abs(cx - x0) > 2 * self.steady * h0 if kind == "blink" else False  # a turn moves the centre
        return abs(height - h0) > self.steady * h0 or abs(cy - y0) > 2 * self.steady * h0 or sideways

    @property
    def current(self) -> str | None:
        """The challenge to show now (a message code), or None when finished."""
        return self.challenges[self._step] if self.status == PENDING else None

    def feed(self, obs: Observation) -> str:
        if self.status != PENDING:
            return self.status
        if self._started is None:
            self._started = obs.t
        if obs.t - self._started > self.step_timeout_s:
            self.status = FAILED
            return self.status
        if obs.landmarks is None:
            return self.status
        kind = self.current
        value = obs.eye_openness if kind == "blink" else head_pose(obs.landmarks)["yaw"] * (-1 if self.mirrored else 1)
        if value is None:
            return self.status
        if self._moved(obs.landmarks, kind):
            self._settle()  # judge the gesture afresh once the face holds still (the clock keeps running)
            return self.status
        if self._phase == "settle":
            if self._settle_t is None:
                self._settle_t = obs.t
            self._baseline.append(value)
            if len(self._baseline) >= 3 and obs.t - self._settle_t >= self.settle_s:
                self._phase = "act"
            return self.status
        base = float(np.median(self._baseline))
        if kind == "blink":
            if value < base * self.closed_ratio:
                self._closed = min(self._closed, value)
            if self._phase == "act":
                done = value < base * self.closed_ratio
            else:
                done = value > self._closed + self.reopened * (base - self._closed)
        else:
            sign = 1 if kind == "turn_left" else -1
            done = (
                sign * (value - base) >= self.turn_yaw if self._phase == "act" else abs(value - base) <= self.back_yaw
            )
        if done and self._phase == "act":
            self._phase = "back"
        elif done:
            self._step += 1
            if self._step == len(self.challenges):
                self.status = PASSED
            else:
                self._reset_step()
        return self.status
