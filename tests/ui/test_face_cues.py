"""What the face screens tell the applicant about the comparison, and the confirm screen about staff (issue 23)."""

from types import SimpleNamespace

from kiosk.domain.idcard_record import record_from_fields
from kiosk.domain.verification import PartyCheck
from kiosk.ui.screens.face import outcome_of


def test_the_outcome_names_what_happened():
    r = SimpleNamespace
    assert outcome_of(r(verdict="match", reason="")) == "match"
    assert outcome_of(r(verdict="no_match", reason="")) == "no_match"
    assert outcome_of(r(verdict="no_match", reason="same_face")) == "same_face"
    assert outcome_of(r(verdict="no_match", reason="liveness_failed")) == "liveness_failed"
    assert outcome_of(r(verdict="unavailable", reason="no_decoder")) == "unavailable"
    assert outcome_of(None) == ""


def test_every_outcome_has_its_text_and_prompt_in_both_languages():
    from kiosk.i18n import tr
    from kiosk.ui.voice import PROMPTS

    for key in ("match", "no_match", "same_face", "liveness_failed", "unavailable"):
        assert f"face_outcome_{key}" in PROMPTS
        for lang in ("zh", "en"):
            assert tr(f"face_outcome_{key}", lang) != f"face_outcome_{key}"
            assert tr(f"voice_face_outcome_{key}", lang) != f"voice_face_outcome_{key}"
    for kind in ("blink", "turn_left", "turn_right"):
        assert f"face_{kind}" in PROMPTS


def test_the_confirm_screen_says_why_staff_will_check():
    from kiosk.ui.screens import confirm

    card = record_from_fields({"name": "陈小明", "id_number": "441621199005011218"})
    session = SimpleNamespace(
        cards=[card, card],
        verification=(
            PartyCheck(party=1, verified_by="staff", result="no_match", score=0.1, attempts=3),
            PartyCheck(party=2, verified_by="staff", result="declined", score=None, attempts=0),
        ),
    )
    text = confirm.verification_lines(session, "zh")
    assert "3 次拍照均未能与身份证照片比对一致" in text and "您未同意拍照核验" in text
