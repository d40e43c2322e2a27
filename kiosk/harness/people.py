"""The demo's simulated applicants: which photo each card holder shows the simulated camera (moving, or a still
photo held up) and which finger they lay on the simulated sensor. Installed into the identity steps through their
ports (`camera`, `place_finger`); the demo controls and scripted journeys say who is who."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from kiosk.domain.idcard_record import IdCardRecord

if TYPE_CHECKING:
    from drivers.camera.port import FrameSource
    from kiosk.services.identity.steps import OpenCamera


class SimulatedApplicants:
    def __init__(self) -> None:
        # card holder (ID number) → the photo shown when they are photographed; holders in `still` hold a still
        # photo up to the camera instead of moving
        self.faces: dict[str, Path | str] = {}
        self.still: set[str] = set()
        self.fingers: dict[str, str] = {}  # card holder → the finger they lay on a simulated sensor

    def camera(self, url: str, options: dict[str, object] | None = None) -> OpenCamera:
        """The configured camera; a simulated one shows the card holder's face, doing what the screen asks."""

        def open_camera(card: IdCardRecord, follow: Callable[[], str]) -> FrameSource:
            from drivers.registry import create, scheme_of

            chosen = dict(options or {})
            holder = card.id_number
            if scheme_of(url) == "sim" and holder in self.faces:
                chosen.update(person=str(self.faces[holder]), animate=holder not in self.still, follow=follow)
            source: FrameSource = create("camera", url, **chosen)
            return source

        return open_camera

    def place_finger(self, sensor: object, card: IdCardRecord, down: bool) -> None:
        sim = getattr(sensor, "sim", None)
        if sim is None:
            return
        if not down:
            sim.put_finger(None)
        elif card.id_number in self.fingers:
            sim.put_finger(self.fingers[card.id_number])

    def show(self, holder: str, face: Path | str, still: bool = False) -> None:
        self.faces[holder] = face
        (self.still.add if still else self.still.discard)(holder)

    def forget(self) -> None:
        """A new session: nobody is known."""
        self.faces.clear()
        self.still.clear()
        self.fingers.clear()
