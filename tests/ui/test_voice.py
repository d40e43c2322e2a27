"""Spoken prompts: which step says what (pure), the catalogs hold every text, and every audio file the kiosk
would play is fit to play (kiosk-diag prompts). Played for real through SDL's dummy audio driver (a null sink)
in the journeys: tests/ui/test_journeys.py."""

import array
import json
import math
import re
import subprocess
import sys
import wave
from types import SimpleNamespace

from kiosk.config import DEFAULT_CONFIG
from kiosk.flow import State
from kiosk.flow.events import CardRead, Continue, FaceCaptured, StaffCalled, Start, Timeout
from kiosk.i18n import catalog
from kiosk.ui.voice import PROMPTS, msgid, prompts_for
from tests.ui.conftest import REPO, run_cli


def _flow(state, assistance="", language="zh", face_shown=None):
    return SimpleNamespace(
        state=state, session=SimpleNamespace(assistance=assistance, language=language, face_shown=face_shown)
    )


def test_what_each_step_says():
    assert prompts_for(_flow(State.ATTRACT), _flow(State.SERVICE_MENU), Start()) == ("service_menu",)
    assert prompts_for(_flow(State.READ_ID_1), _flow(State.READ_ID_2), CardRead({})) == ("card_read", "read_id_2")
    assert prompts_for(_flow(State.READ_ID_1), _flow(State.READ_ID_1), CardRead({})) is None  # refused: no cheer
    assert prompts_for(_flow(State.FACE_1), _flow(State.FACE_2), FaceCaptured(None)) == ("photo_taken", "face_2")
    # a photo's outcome is shown until the flow's timer moves on
    assert prompts_for(_flow(State.FACE_1), _flow(State.FACE_1, face_shown="f"), FaceCaptured("f")) is None
    assert prompts_for(_flow(State.FACE_1, face_shown="f"), _flow(State.FACE_2), Timeout()) == ("photo_taken", "face_2")
    assert prompts_for(_flow(State.PRINTING), _flow(State.DONE), Continue()) == ("done", "take_card")
    assert prompts_for(_flow(State.CONSENT, "calling"), _flow(State.CONSENT, "on_the_way"), StaffCalled(True)) == (
        "staff_on_the_way",
    )
    assert prompts_for(_flow(State.CONSENT), _flow(State.CONSENT, "calling"), StaffCalled(True)) is None
    assert prompts_for(_flow(State.CONSENT, "calling"), _flow(State.CONSENT, "sent"), StaffCalled(True, 1)) == (
        "staff_sent",
    )


def test_every_prompt_is_in_both_catalogs_and_never_carries_a_name_or_number():
    for lang in ("zh", "en"):
        keys = {k for k in catalog(lang) if k.startswith("voice_")}
        assert keys == {msgid(k) for k in PROMPTS}
        for key in keys:
            text = catalog(lang)[key]
            assert text.strip() and not re.search(r"[{}\d]", text), (lang, key, text)  # no placeholders


def _fit_to_play(path):
    with wave.open(path) as w:
        assert w.getcomptype() == "NONE" and w.getsampwidth() == 2, path  # 16-bit PCM
        seconds = w.getnframes() / w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    assert 0.3 <= seconds <= 15.0, (path, seconds)
    assert math.sqrt(sum(x * x for x in samples) / len(samples)) > 300, path  # not silence


def test_kiosk_diag_prompts_lists_every_prompt_with_a_file_fit_to_play():
    proc = run_cli(["-m", "kiosk.cli.diag", "prompts", "--json"])
    out = json.loads(proc.stdout)
    assert out["ok"] and proc.returncode == 0, proc.stdout[-2000:]
    assert [p["key"] for p in out["prompts"]] == list(PROMPTS)
    for p in out["prompts"]:
        for lang in ("zh", "en"):
            entry = p[lang]
            assert entry["text"] == catalog(lang)[msgid(p["key"])] and entry["source"] == "synthesised"
            _fit_to_play(entry["audio"])


def test_the_synthesised_cache_matches_the_catalogs():
    proc = subprocess.run(
        [sys.executable, "scripts/make_voice.py", "--check"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, f"stale prompts, run scripts/make_voice.py:\n{proc.stdout}"


def _tone(path, seconds, level):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(array.array("h", (int(level * math.sin(i / 5)) for i in range(int(16000 * seconds)))).tobytes())


def test_an_office_recording_wins_and_a_bad_one_is_reported(tmp_path):
    recorded = tmp_path / "voice"
    _tone(recorded / "zh" / "done.wav", 1.2, 8000)
    _tone(recorded / "en" / "done.wav", 1.2, 3)  # near silence: reported to the technician
    config = tmp_path / "kiosk.toml"
    config.write_text(
        DEFAULT_CONFIG.read_text(encoding="utf-8").replace('dir = ""', f'dir = "{recorded}"'), encoding="utf-8"
    )
    proc = run_cli(["-m", "kiosk.cli.diag", "prompts", "--json", "--config", str(config)])
    out = json.loads(proc.stdout)
    done = next(p for p in out["prompts"] if p["key"] == "done")
    assert done["zh"]["source"] == "recorded" and done["zh"]["audio"] == str(recorded / "zh" / "done.wav")
    assert done["en"]["problem"] == "silence" and not out["ok"] and proc.returncode == 1


class FakeSound:
    length = 2.0

    def __init__(self):
        self.playing, self.volume = False, None

    def play(self):
        self.playing = True

    def stop(self):
        self.playing = False


def _voice(tmp_path, **kw):
    from kiosk.ui.voice import Voice

    voice = Voice(cache=tmp_path, **kw)
    sounds = {}
    for lang in ("zh", "en"):
        for key in PROMPTS:
            path = tmp_path / lang / f"{key}.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"RIFF")
            sounds[f"{lang}/{key}"] = voice._sounds[path] = FakeSound()
    return voice, sounds


def _run_queue(voice):
    while voice._next is not None:  # what Kivy's Clock would do, without waiting
        voice._next.cancel()
        voice._play_next()


def test_a_new_screen_cuts_off_the_old_prompt_and_repeat_says_it_again(tmp_path):
    voice, sounds = _voice(tmp_path, volume=40)
    voice.on_flow(_flow(State.READ_ID_1), _flow(State.READ_ID_2), CardRead({}))
    _run_queue(voice)
    assert list(voice.spoken) == ["zh/card_read", "zh/read_id_2"] and sounds["zh/read_id_2"].playing
    assert sounds["zh/read_id_2"].volume == 0.4  # the technician's volume
    voice.on_flow(_flow(State.READ_ID_2), _flow(State.ELIGIBILITY, language="en"), CardRead({}))
    assert not sounds["zh/read_id_2"].playing  # cut off at once, before the next one starts
    _run_queue(voice)
    assert list(voice.spoken)[-2:] == ["en/card_read", "en/eligibility"]
    voice.repeat()
    _run_queue(voice)
    assert list(voice.spoken)[-1] == "en/eligibility"
    voice.on_flow(_flow(State.ELIGIBILITY), _flow(State.ATTRACT), Continue())
    assert not sounds["en/eligibility"].playing and voice._next is None  # the attract screen is quiet


def test_switched_off_or_at_volume_zero_nothing_is_said(tmp_path):
    for kw in ({"enabled": False}, {"volume": 0}):
        voice, sounds = _voice(tmp_path, **kw)
        voice.on_flow(_flow(State.ATTRACT), _flow(State.SERVICE_MENU), Start())
        _run_queue(voice)
        assert list(voice.spoken) == [] and not any(s.playing for s in sounds.values())
