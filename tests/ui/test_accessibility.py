"""The accessibility check's arithmetic (kiosk/harness/accessibility.py); the screens themselves are checked in
tests/ui/test_screens.py."""

import pytest

from kiosk.harness.accessibility import blend, contrast


def test_wcag_contrast_ratios():
    assert contrast((1, 1, 1), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast((0, 0, 0), (1, 0.82, 0)) > 4.5  # the primary button: black on yellow
    assert contrast((0.4, 0.45, 0.5), (0.04, 0.12, 0.23)) < 4.5  # grey on the navy screen: too faint
    assert blend((1, 1, 1, 0.5), (0, 0, 0)) == (0.5, 0.5, 0.5)


def test_fifteen_millimetres_on_the_configured_panel():
    from kiosk.ui.app import touch_px  # noqa: PLC0415  (Kivy app module: imported here, not at collection)

    assert touch_px(15, (1080, 1920), 21.5) == pytest.approx(60.5, abs=0.5)  # a 21.5" portrait kiosk
    assert touch_px(15, (1080, 1920), 15.6) > touch_px(15, (1080, 1920), 21.5)  # denser panel, more pixels
