"""The consent screen says what this configuration does with the photo, and the ticket says when staff check."""

from types import SimpleNamespace

import pytest

from kiosk.i18n import tr


def _kiosk(reference, liveness=True, fingerprint=None):
    return SimpleNamespace(
        config=SimpleNamespace(face=SimpleNamespace(reference=reference, liveness=liveness)), fingerprint=fingerprint
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_consent_follows_the_configuration(lang):
    from kiosk.ui.screens.consent import consent_text

    card = consent_text(_kiosk("card"), lang)
    assert tr("consent_body_card", lang) in card and tr("consent_liveness", lang) in card
    assert tr("consent_finger", lang) not in card and tr("consent_keep", lang) in card
    office = consent_text(_kiosk("office", fingerprint=object()), lang)
    assert tr("consent_body_office", lang) in office and tr("consent_finger", lang) in office
    none = consent_text(_kiosk("none"), lang)
    assert tr("consent_body_none", lang) in none and tr("consent_liveness", lang) not in none
    assert "身份证芯片" in tr("consent_body_card", "zh") and "不做人脸比对" in tr("consent_body_none", "zh")


def test_staff_check_is_printed_on_the_ticket():
    from kiosk.services.effects import STAFF_CHECK_NOTE

    assert STAFF_CHECK_NOTE["note_zh"] == "身份待人工核验"


def test_the_print_self_test_says_a_test_ticket_was_printed():
    from kiosk.maintenance.core import SelfTestResult
    from kiosk.ui.screens.maintenance_selftest import result_text

    done = SelfTestResult("printer", True, 0.4, {"printed": "SELFTEST-094100", "outcome": "printed"})
    text = result_text(done, lambda k: tr(k, "zh"))
    assert text.startswith("通过 (0.4 s)  已打印测试票 SELFTEST-094100（标有“测试票 TEST”）") and "printed=" not in text
