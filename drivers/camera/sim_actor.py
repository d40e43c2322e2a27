"""A photo of a person made to move for the simulated camera: a blink (the eyes closed) and a head turn.

The turn treats the head as a solid turning about the neck. Across, the front of the face is round (a vertical
cylinder, narrowing from the jaw to the chin); up and down it is nearly flat from the brow to the chin, and the
skull curves back above the brow; the nose stands out of it. Turned by α, every point moves sideways by its depth
in front of the neck times sin α while the face's breadth shrinks by cos α: the nose (farthest forward) moves more
than the eyes, the side turned away is squeezed and partly hidden behind the nose, the side turned towards the
camera widens, and the face slides across the outline of the hair and ears, which stay behind. The far side also
looks a little smaller (nearer things look bigger). The head turns out over a few frames, keeps turning a little
while it holds, and comes back.

The earlier drawing pushed the middle of the face sideways: the push reached the eyes too (three quarters of it at
eye level), so they moved with the nose and smeared, and the turn that YuNet read stopped growing at 0.1–0.3 eye
distances however far the warp went; its squeezed drawings also changed the eye-to-mouth height by 20–40 %, which
the check (rightly) takes for a photo being moved, so they never passed at all. YuNet reads the five landmarks from
the whole face rather than from the nose's own pixels (moving the nose alone by 0.4 eye distances moved its landmark
by 0.1–0.15), so what counts is a face that looks turned as a whole: features moving across a face outline that
stays put, a narrow far side and a wide near side. Turns of about 30° read 0.28–0.45; much beyond 36° YuNet's
eye-to-mouth height jitters by more than the liveness check lets a face change mid-gesture, so the drawings stay
below that.
"""

from __future__ import annotations

import math

import numpy as np

# The head in eye distances (e, between the eye centres). The front of the face is FACE_HALF_WIDTH either side of the
# eyes' midpoint down to JAW below the eyes, then narrows to CHIN_WIDTH of that at the chin (CHIN below the eyes);
# above BROW (over the eyes) the skull curves back within SKULL. The neck, the turning axis, is NECK_BEHIND behind the
# face's sides and NECK_BEHIND + FACE_DEPTH behind its front; the nose tip stands NOSE_DEPTH further out (a bump
# NOSE_WIDTH by NOSE_LENGTH, 0.6 e below the eyes). Beyond the face's sides the turn fades out within SIDE_FADE (hair
# and ears stay behind); from the chin down within NECK_FADE to NECK_TURN of it (the neck turns less, the shoulders
# not at all). CAMERA_DISTANCE sets the perspective.
FACE_HALF_WIDTH, FACE_DEPTH, NECK_BEHIND = 0.8, 1.5, 0.3
NOSE_DEPTH, NOSE_WIDTH, NOSE_LENGTH = 0.6, 0.34, 0.34
JAW, CHIN, CHIN_WIDTH, BROW, SKULL = 0.57, 1.75, 0.4, 0.9, 1.2
SIDE_FADE, NECK_FADE, NECK_TURN = 0.24, 0.5, 0.4
CAMERA_DISTANCE = 8.0
# The drawings of a turn, in turn (people turn differently): (degrees, roll in degrees). While holding, the head turns
# HOLD_DRIFT degrees further. RAMP: the share of the gesture spent turning out (and again back).
TURNS = ((32.0, 0.0), (34.0, 1.0), (29.0, -1.0))
HOLD_DRIFT = 2.0
RAMP = 0.3


def find_eyes(image: np.ndarray, box: tuple[float, float, float, float]) -> list[tuple[float, float]] | None:
    """Both eye centres (image-left first) in the upper half of the face box, or None."""
    import cv2

    fx, fy, fw, fh = (int(v) for v in box)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[max(fy, 0) : fy + fh // 2 + fh // 10, max(fx, 0) : fx + fw]
    if grey.size == 0:
        return None
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_eye.xml")  # type: ignore[attr-defined]
    found = cascade.detectMultiScale(grey, 1.05, 4, minSize=(max(8, fw // 10),) * 2, maxSize=(fw // 3,) * 2)
    if len(found) < 2:
        return None
    two = sorted(sorted(found, key=lambda e: -e[2])[:2], key=lambda e: e[0])
    eyes = [(max(fx, 0) + ex + ew / 2, max(fy, 0) + ey + eh / 2) for ex, ey, ew, eh in two]
    if abs(eyes[1][0] - eyes[0][0]) < fw * 0.2:
        return None
    return eyes


class Actor:
    """One person's photo, framed head-and-shoulders as the kiosk's camera sees a person, in any pose."""

    SIDE = 320

    def __init__(self, image: np.ndarray):
        import cv2

        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        cascade = cv2.CascadeClassifier(
            cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
        )
        faces = cascade.detectMultiScale(grey, 1.1, 5, minSize=(max(24, min(grey.shape) // 10),) * 2)
        ih, iw = grey.shape
        if len(faces):
            x, y, fw, fh = (int(v) for v in max(faces, key=lambda f: f[2] * f[3]))
        else:
            fw = fh = int(min(iw, ih) * 0.4)
            x, y = (iw - fw) // 2, (ih - fh) // 3
        # A head-and-shoulders square around the face, as the kiosk's camera frames a person.
        side = int(fw * 2.4)
        x0, y0 = int(x + fw / 2 - side / 2), int(y + fh * 0.45 - side * 0.42)
        pad = side
        padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        crop = padded[y0 + pad : y0 + pad + side, x0 + pad : x0 + pad + side]
        self.base = cv2.resize(crop, (self.SIDE, self.SIDE), interpolation=cv2.INTER_AREA)
        k = self.SIDE / side
        box = ((x - x0) * k, (y - y0) * k, fw * k, fh * k)
        self.eyes = find_eyes(self.base, box) or [
            (box[0] + 0.3 * box[2], box[1] + 0.4 * box[3]),
            (box[0] + 0.7 * box[2], box[1] + 0.4 * box[3]),
        ]
        (ax, ay), (bx, by) = self.eyes
        self.eye_dist = e = float(np.hypot(bx - ax, by - ay))
        self.nose = ((ax + bx) / 2, (ay + by) / 2 + 0.6 * e)
        self._centre = ((ax + bx) / 2, (ay + by) / 2)  # the eyes' midpoint
        yy, xx = np.mgrid[0 : self.SIDE, 0 : self.SIDE].astype(np.float32)
        self._xx, self._yy = xx, yy
        self._closed = self._eyes_closed(xx, yy)
        self._shape = self._head_shape(xx, yy)

    def _eyes_closed(self, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
        import cv2

        r = 0.13 * self.eye_dist / 0.4
        mask = np.zeros((self.SIDE, self.SIDE), np.float32)
        for ex, ey in self.eyes:
            mask = np.maximum(mask, np.exp(-((((xx - ex) / r) ** 2 + ((yy - ey) / (0.8 * r)) ** 2) ** 2)))
        lids = cv2.GaussianBlur(self.base, (0, 0), r / 2)
        skin = np.full_like(lids, lids[int(self.nose[1]), int(self.nose[0])])
        lids = cv2.addWeighted(lids, 0.6, skin, 0.4, 0)
        eye_mask = mask[:, :, None]
        closed: np.ndarray = (self.base * (1 - eye_mask) + lids * eye_mask).astype(np.uint8)
        return closed

    def _head_shape(self, xx: np.ndarray, yy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each pixel's depth in front of the neck (pixels), and how much of the turn it follows (0…1)."""
        import cv2

        e, (hx, ey) = self.eye_dist, self._centre
        down = np.clip((yy - ey - JAW * e) / ((CHIN - JAW) * e), 0, 1)
        u = (xx - hx) / (FACE_HALF_WIDTH * e * (1 - (1 - CHIN_WIDTH) * down**1.5))
        up = np.clip((ey - BROW * e - yy) / (SKULL * e), 0, 1)
        front = np.sqrt(np.clip(1 - u**2, 0, 1)) * np.sqrt(1 - up**2)
        below = np.clip((yy - ey - CHIN * e) / (NECK_FADE * e), 0, 1)
        nx, ny = self.nose
        nose = np.exp(-(((xx - nx) / (NOSE_WIDTH * e)) ** 2 + ((yy - ny) / (NOSE_LENGTH * e)) ** 2) / 2)
        depth = (NECK_BEHIND + FACE_DEPTH * front) * e * (1 - below) + NOSE_DEPTH * e * nose
        depth = cv2.GaussianBlur(depth.astype(np.float32), (0, 0), 0.08 * e)  # no infinite slope at the sides
        outside = np.clip(np.abs(u) - 1, 0, None)
        weight = np.exp(-(outside**2) / (2 * SIDE_FADE**2)) * (1 - (1 - NECK_TURN) * below)
        return depth, weight.astype(np.float32)

    def pose(self, gesture: str | None, k: float, variant: int = 0) -> np.ndarray:
        """The photo at `k` (0…1) into `gesture` (blink, turn_left, turn_right, or None: facing the camera);
        `variant` picks one of the ways a turn is drawn. The applicant's left is the image's right."""
        if gesture == "blink":
            return self._closed
        if gesture in ("turn_left", "turn_right"):
            out = min(1.0, k / RAMP, (1 - k) / RAMP)
            out = out * out * (3 - 2 * out)  # a head speeds up and slows down
            hold = min(max((k - RAMP) / (1 - 2 * RAMP), 0.0), 1.0) if out == 1.0 else 0.0
            angle, roll = TURNS[variant % len(TURNS)]
            sign = 1 if gesture == "turn_left" else -1
            return self.turned(sign * (angle * out + HOLD_DRIFT * hold), roll * out)
        return self.base

    def turned(self, degrees: float, roll: float = 0.0) -> np.ndarray:
        """The head turned by `degrees` about the neck (+: the nose towards the image's right), tilted by `roll`
        degrees."""
        import cv2

        if not degrees and not roll:
            return self.base
        size, last = self.SIDE, self.SIDE - 1
        a, mirror = math.radians(abs(degrees)), degrees < 0
        # Worked out for a turn to the image's right; a turn to the left is the same on the mirrored head.
        depth, weight = (m[:, ::-1] for m in self._shape) if mirror else self._shape
        hx, hy = self._centre[0], self._centre[1] + 0.35 * self.eye_dist
        hx = last - hx if mirror else hx
        xx, yy = self._xx, self._yy
        across = xx - hx
        # Where each pixel lands, row by row; where two land on one spot the later one is hidden (behind the nose,
        # or round the far side). Each output pixel then looks up where it came from.
        dest = xx + weight * (across * (math.cos(a) - 1) + depth * math.sin(a))
        dest = np.maximum.accumulate(dest, axis=1) + xx * 1e-4
        columns = xx[0]
        map_x = np.stack([np.interp(columns, dest[row], columns) for row in range(size)]).astype(np.float32)
        # Nearer looks bigger: the side turned away shrinks a little in height too.
        nearer = weight * (depth * (math.cos(a) - 1) - across * math.sin(a))
        grow = cv2.remap(
            (1 + nearer / (CAMERA_DISTANCE * self.eye_dist)).astype(np.float32), map_x, yy, cv2.INTER_LINEAR
        )
        map_y = hy + (yy - hy) / grow
        if mirror:
            map_x, map_y = last - map_x[:, ::-1], map_y[:, ::-1]
        map_x, map_y = np.ascontiguousarray(map_x, np.float32), np.ascontiguousarray(map_y, np.float32)
        if roll:
            tilt = cv2.remap(self._shape[1], map_x, map_y, cv2.INTER_LINEAR) * math.radians(roll)
            dx, dy = map_x - self._centre[0], map_y - hy
            map_x = self._centre[0] + dx * np.cos(tilt) - dy * np.sin(tilt)
            map_y = hy + dx * np.sin(tilt) + dy * np.cos(tilt)
        out: np.ndarray = cv2.remap(
            self.base,
            map_x.astype(np.float32),
            map_y.astype(np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
        return out
