"""Spoken prompts, Chinese and English, for applicants who read little or no Chinese.

The words are the catalogs' `voice_<key>` entries (one place to translate); they are fixed sentences, so no name
or ID number is ever spoken. The audio is a WAV per prompt and language: an office's own recording in
`voice.dir/<lang>/<key>.wav` wins; otherwise the one synthesised offline by scripts/make_voice.py (espeak-ng)
into assets/voice/<lang>/<key>.wav. Played like the cues (kiosk/ui/sounds.py: Kivy's SoundLoader, on the main
thread, never waited for); a new screen cuts the old prompt off; the volume is the technician's setting.
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path

import heyuan_assets as assets
from kiosk.flow import State
from kiosk.flow.events import CardRead, Event, FaceCaptured, SetLanguage, Timeout

log = logging.getLogger(__name__)
VOICE_CACHE = assets.path() / "voice"  # package data, synthesised at set-up (scripts/make_voice.py)
LANGUAGES = ("zh", "en")
S = State
# What each applicant screen says on entering it.
ON_ENTER: dict[State, tuple[str, ...]] = {
    S.SERVICE_MENU: ("service_menu",),
    S.CHOOSE_BUSINESS: ("choose_business",),
    S.GUIDE: ("guide",),
    S.APPOINTMENT: ("appointment",),
    S.READ_ID_1: ("read_id_1",),
    S.READ_ID_2: ("read_id_2",),
    S.ELIGIBILITY: ("eligibility",),
    S.CONSENT: ("consent",),
    S.FACE_1: ("face_1",),
    S.FACE_2: ("face_2",),
    S.FINGER_1: ("finger_1",),
    S.FINGER_2: ("finger_2",),
    S.CONFIRM: ("confirm",),
    S.PRINTING: ("printing",),
    S.DONE: ("done", "take_card"),
    S.IDLE_WARNING: ("idle_warning",),
    S.DEVICE_FAULT: ("device_fault",),
    S.PRINTER_PROBLEM: ("printer_problem", "take_card"),
    S.BACKEND_OFFLINE: ("backend_offline",),
}
# Said first when the event moved the flow on (a refused card says nothing cheerful).
ON_EVENT: tuple[tuple[type[Event], str], ...] = ((CardRead, "card_read"), (FaceCaptured, "photo_taken"))
ON_ASSISTANCE = {"sent": ("staff_sent",), "on_the_way": ("staff_on_the_way",), "offline": ("staff_offline",)}
# Said by the face screens (kiosk/ui/screens/face.py): the liveness challenge, then the comparison's outcome.
ON_FACE = tuple(f"face_{c}" for c in ("blink", "turn_left", "turn_right")) + tuple(
    f"face_outcome_{o}" for o in ("match", "no_match", "same_face", "liveness_failed", "unavailable")
)
PROMPTS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [k for keys in ON_ENTER.values() for k in keys]
        + [k for _, k in ON_EVENT]
        + [k for keys in ON_ASSISTANCE.values() for k in keys]
        + list(ON_FACE)
    )
)


def msgid(key: str) -> str:
    return f"voice_{key}"


def prompts_for(old, new, event: Event) -> tuple[str, ...] | None:
    """What to say after one step of the flow: a tuple of prompt keys, or None to leave the current prompt be
    (pure: the tables above)."""
    if new.session.assistance != old.session.assistance and new.session.assistance in ON_ASSISTANCE:
        return ON_ASSISTANCE[new.session.assistance]
    if new.state == old.state and not (
        isinstance(event, SetLanguage) and new.state in ON_ENTER and new.session.language != old.session.language
    ):
        return None
    said = tuple(key for kind, key in ON_EVENT if isinstance(event, kind) and new.state != old.state)
    if isinstance(event, Timeout) and old.session.face_shown is not None:  # the photo's outcome was shown
        said += ("photo_taken",)
    return said + ON_ENTER.get(new.state, ())


def audio_file(key: str, lang: str, recorded: Path | str | None = None, cache: Path = VOICE_CACHE) -> Path | None:
    """The WAV for a prompt: the office's recording if there is one, else the synthesised one, else None."""
    for folder in ([Path(recorded)] if recorded else []) + [cache]:
        path = folder / lang / f"{key}.wav"
        if path.is_file():
            return path
    return None


MIN_S, MAX_S = 0.3, 15.0
SILENCE_RMS = 100  # of 32767: below this a prompt file is silence


def check_wav(path: Path) -> tuple[float, str]:
    """(seconds, problem or "") of a prompt file: 16-bit PCM, 0.3–15 s, not silence."""
    import array
    import wave

    try:
        with wave.open(str(path)) as w:
            if w.getcomptype() != "NONE" or w.getsampwidth() != 2:
                return 0.0, "not 16-bit PCM"
            frames, rate = w.getnframes(), w.getframerate()
            samples = array.array("h", w.readframes(frames))
    except (OSError, EOFError, wave.Error) as e:
        return 0.0, f"not a WAV file ({e})"
    seconds = frames / rate if rate else 0.0
    if not MIN_S <= seconds <= MAX_S:
        return round(seconds, 2), f"lasts {seconds:.2f} s (0.3–15 s)"
    rms = (sum(x * x for x in samples) / len(samples)) ** 0.5 if samples else 0.0
    if rms < SILENCE_RMS:
        return round(seconds, 2), "silence"
    return round(seconds, 2), ""


class Voice:
    GAP_S = 0.25  # between two prompts of one screen

    def __init__(
        self, enabled: bool = True, recorded: Path | str | None = None, volume: int = 70, cache: Path = VOICE_CACHE
    ):
        self.enabled, self.recorded, self.volume, self.cache = enabled, recorded, volume, cache
        self.spoken: deque[str] = deque(maxlen=100)  # "<lang>/<key>" as started, newest last (diagnostics, tests)
        self.screen: tuple[str, ...] = ()  # the current screen's prompts (what "repeat" says)
        self.lang = "zh"
        self._sounds: dict[Path, object] = {}
        self._queue: list[str] = []
        self._playing = None
        self._next = None  # the Clock event that starts the next prompt
        self._silent = False
        self._missing: set[str] = set()

    # --- the flow ----------------------------------------------------------------------------------------------
    def on_flow(self, old, new, event, delay: float = 0.0) -> None:
        if new.state not in ON_ENTER:
            self.screen = ()
            if new.state != old.state:
                self.stop()
            return
        keys = prompts_for(old, new, event)
        if keys is None:
            return
        if new.state != old.state or isinstance(event, SetLanguage):
            self.screen = ON_ENTER[new.state]
        self.say(keys, new.session.language, delay)

    def repeat(self) -> None:
        if self.screen:
            self.say(self.screen, self.lang)

    # --- playing -------------------------------------------------------------------------------------------------
    def say(self, keys, lang: str, delay: float = 0.0) -> None:
        """Cut off whatever is being said and say `keys` in `lang`, one after the other."""
        self.stop()
        self.lang = lang
        if not self.enabled or self._silent or self.volume <= 0:
            return
        self._queue = list(keys)
        self._schedule(delay)

    def stop(self) -> None:
        self._queue = []
        if self._next is not None:
            self._next.cancel()
            self._next = None
        if self._playing is not None:
            try:
                self._playing.stop()
            except Exception as e:
                self._give_up(f"{type(e).__name__}: {e}")
            self._playing = None

    def preload_pieces(self, langs=LANGUAGES, keys=None) -> list:
        """The prompts as one loader each (a few ms on the main thread), the first language first, for
        kiosk.ui.idle.IdleWork."""

        def loader(key: str, lang: str):
            return lambda: None if self._silent or not self.enabled else self._load(key, lang)

        return [loader(key, lang) for lang in langs for key in (PROMPTS if keys is None else keys)]

    def close(self) -> None:
        """The app stops: nothing more is loaded or played (the mixer goes away with the window)."""
        self.stop()
        self.enabled = False

    def _schedule(self, delay: float) -> None:
        from kivy.clock import Clock

        self._next = Clock.schedule_once(lambda dt: self._play_next(), delay)

    def _play_next(self) -> None:
        self._next = None
        if not self._queue:
            return
        key = self._queue.pop(0)
        try:
            sound = self._load(key, self.lang)
            if sound is not None:
                sound.stop()
                sound.volume = min(100, self.volume) / 100
                sound.play()
                self._playing = sound
                self.spoken.append(f"{self.lang}/{key}")
                length = sound.length or 0.0
            else:
                length = 0.0
        except Exception as e:  # an audio backend failing must never touch the applicant's journey
            self._give_up(f"{type(e).__name__}: {e}")
            return
        if self._queue:
            self._schedule(length + self.GAP_S)

    def _load(self, key: str, lang: str):
        path = audio_file(key, lang, self.recorded, self.cache)
        if path is None:
            if f"{lang}/{key}" not in self._missing:
                self._missing.add(f"{lang}/{key}")
                log.warning("no audio for prompt %s/%s (run scripts/make_voice.py)", lang, key)
            return None
        if path not in self._sounds:
            from kivy.core.audio import SoundLoader

            sound = SoundLoader.load(str(path))
            if sound is None:
                self._give_up(f"cannot play {path.name}")
                return None
            self._sounds[path] = sound
        return self._sounds[path]

    on_failure = None  # (why) -> None: the technician's device page shows the audio down

    def _give_up(self, why: str) -> None:
        self._silent = True
        log.warning("spoken prompts off: %s (no audio device?)", why)
        if self.on_failure is not None:
            self.on_failure(why)
