"""Short audible cues beside the screens, for applicants who do not watch the screen closely: a card or booking
code read, the ticket printed, "please look at the screen", and a chime when a call for staff could only be
journaled (offline), for whoever is near. The sounds are assets/sounds/*.wav
(scripts/make_sounds.py); the volume is the technician's setting (0–100, 0 = silent).

Played through Kivy's SoundLoader (SDL2 mixer, imported on first use, after kiosk.ui.kivy_env.prepare()) on the
main thread; with no audio device the kiosk stays silent and says so once in the log.
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path

import heyuan_assets as assets
from kiosk.flow import State
from kiosk.flow.events import AppointmentFound, CardRead, Event

log = logging.getLogger(__name__)
SOUNDS = assets.path("sounds")

READ_EVENTS = (CardRead, AppointmentFound)  # something the applicant presented was read
ON_ENTER = {  # cues that belong to a screen
    State.DONE: "ticket",
    State.IDLE_WARNING: "attention",
    State.PRINTER_PROBLEM: "attention",
    State.DEVICE_FAULT: "attention",
}


def cue_for(old_state: State, new_state: State, event: Event, assistance: tuple[str, str] = ("", "")) -> str | None:
    """The cue for one step of the flow, or None (pure: the table above, reads that moved the flow on, and a
    call for staff that only reached the journal: `assistance` is the session's (old, new) call state)."""
    if assistance[1] == "offline" and assistance[0] != "offline":
        return "call"
    if new_state == old_state:
        return None
    if new_state in ON_ENTER:
        return ON_ENTER[new_state]
    if isinstance(event, READ_EVENTS):
        return "read"
    return None


class Cues:
    def __init__(self, folder: Path = SOUNDS, volume: int = 70):
        self.folder = folder
        self.volume = volume  # 0–100
        self.played: deque[str] = deque(maxlen=50)  # what was played, newest last (diagnostics, tests)
        self._sounds: dict[str, object] = {}
        self._silent = False  # no audio device, or the files are missing
        self.on_failure = None  # (why) -> None: the technician's device page shows the audio down

    def preload(self) -> None:
        """Load every cue now (on the main thread, before an applicant comes), not on the first touch."""
        for path in sorted(self.folder.glob("*.wav")):
            if self._silent:
                break
            try:
                self._load(path.stem)
            except Exception as e:
                self._give_up(f"{type(e).__name__}: {e}")

    def on_flow(self, old, new, event) -> str | None:
        """Play the step's cue; returns its name (the voice waits for it)."""
        sessions = (getattr(old, "session", None), getattr(new, "session", None))
        name = cue_for(
            old.state,
            new.state,
            event,
            (getattr(sessions[0], "assistance", ""), getattr(sessions[1], "assistance", "")),
        )
        if name and self.play(name):
            return name
        return None

    def play(self, name: str) -> bool:
        if self._silent or self.volume <= 0:
            return False
        try:
            sound = self._load(name)
            if sound is None:
                return False
            sound.stop()
            sound.volume = min(100, self.volume) / 100
            sound.play()
            self.played.append(name)
            return True
        except Exception as e:  # an audio backend failing must never touch the applicant's journey
            self._give_up(f"{type(e).__name__}: {e}")
            return False

    def _load(self, name: str):
        if name not in self._sounds:
            from kivy.core.audio import SoundLoader

            path = self.folder / f"{name}.wav"
            sound = SoundLoader.load(str(path)) if path.exists() else None
            if sound is None:
                self._give_up(f"cannot play {path.name}")
                return None
            self._sounds[name] = sound
        return self._sounds[name]

    def _give_up(self, why: str) -> None:
        self._silent = True
        log.warning("sound cues off: %s (no audio device?)", why)
        if self.on_failure is not None:
            self.on_failure(why)
