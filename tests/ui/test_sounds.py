"""Audible cues (kiosk/ui/sounds.py): which step of the flow gets which cue, and silence when sound can't work.
Played for real (SDL's dummy audio driver) in the journeys: tests/ui/test_journeys.py."""

import wave
from types import SimpleNamespace

import pytest

from kiosk.flow import State
from kiosk.domain.appointment import Appointment
from kiosk.flow.events import AppointmentFound, CardRead, Confirm, PrintFinished, Start, Timeout
from kiosk.ui.sounds import SOUNDS, Cues, cue_for


@pytest.mark.parametrize(
    "old,new,event,cue",
    [
        (State.READ_ID_1, State.READ_ID_2, CardRead({}), "read"),
        (State.APPOINTMENT, State.READ_ID_1, AppointmentFound(Appointment("AP1", "441621", "marriage")), "read"),
        (State.PRINTING, State.DONE, PrintFinished(True, ""), "ticket"),
        (State.CONFIRM, State.IDLE_WARNING, Timeout(), "attention"),
        (State.PRINTING, State.PRINTER_PROBLEM, PrintFinished(False, "paper_out"), "attention"),
        (State.ATTRACT, State.SERVICE_MENU, Start(), None),
        (State.READ_ID_1, State.READ_ID_1, CardRead({}), None),  # read, but refused: no cheerful sound
        (State.CONFIRM, State.PRINTING, Confirm(), None),
    ],
)
def test_cue_for_each_step(old, new, event, cue):
    assert cue_for(old, new, event) == cue


def test_a_call_for_staff_that_only_reached_the_journal_chimes_once():
    step = (State.READ_ID_1, State.READ_ID_1, Start())
    assert cue_for(*step, assistance=("calling", "offline")) == "call"
    assert cue_for(*step, assistance=("offline", "offline")) is None
    assert cue_for(*step, assistance=("calling", "on_the_way")) is None  # online: the voice says it


def test_the_cue_files_are_short_and_present():
    for name in ("read", "ticket", "attention", "call"):
        with wave.open(str(SOUNDS / f"{name}.wav")) as w:
            assert 0.1 < w.getnframes() / w.getframerate() < 1.0


def test_silent_at_volume_zero_and_without_sound_files(tmp_path, caplog):
    step = (SimpleNamespace(state=State.PRINTING), SimpleNamespace(state=State.DONE), PrintFinished(True, ""))
    muted = Cues(volume=0)
    muted.on_flow(*step)
    assert list(muted.played) == []
    missing = Cues(folder=tmp_path)
    reported = []
    missing.on_failure = reported.append  # the device page (DeviceBoard.audio_failed) in the kiosk
    missing.on_flow(*step)
    missing.on_flow(*step)
    assert list(missing.played) == [] and caplog.text.count("sound cues off") == 1
    assert reported == ["cannot play done.wav"] or (len(reported) == 1 and "cannot play" in reported[0])
