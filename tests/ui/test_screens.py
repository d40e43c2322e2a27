"""kiosk-diag screens renders every screen, in both languages, for real (not blank); one app renders them all,\nonce as they are and once in large-text mode."""

import json

import pytest

from PIL import Image, ImageStat

from kiosk.flow import State
from tests.ui.conftest import run_cli


def _screens(out_dir, *args):
    proc = run_cli(["-m", "kiosk.cli.diag", "screens", "--out", str(out_dir), "--json", *args])
    out = json.loads(proc.stdout)
    assert out["ok"], (out.get("error"), proc.stderr[-2000:])
    return out


@pytest.fixture(scope="module")
def every_screen(tmp_path_factory):
    """Every screen in both languages, rendered to PNG files, with its checks (one app for all)."""
    shots = tmp_path_factory.mktemp("screens")
    return shots, _screens(shots, "--lang", "zh,en")


@pytest.fixture(scope="module")
def every_screen_large(tmp_path_factory):
    """The same screens in large-text mode: the checks only."""
    return _screens(tmp_path_factory.mktemp("large"), "--lang", "zh,en", "--large-text", "--checks-only")


@pytest.mark.slow  # every screen, twice
def test_every_screen_in_both_languages(every_screen):
    tmp_path, out = every_screen
    names = {p.name for p in tmp_path.glob("*.png")}
    from kiosk.maintenance.presenters import MAINTENANCE_SCREENS

    for screen in [state.value for state in State] + list(MAINTENANCE_SCREENS):
        for lang in ("zh", "en"):
            assert f"{screen}.{lang}.png" in names
    small = {k: v for k, v in out["smallest_touch_target_px"].items() if v and v < 48}
    assert not small, small
    assert len(out["accessibility"]) == len(out["files"])
    _accessible(out)
    for png in tmp_path.glob("*.png"):
        with Image.open(png) as im:
            assert im.size == (1080, 1920)
            stat = ImageStat.Stat(im.convert("L"))
            assert stat.stddev[0] > 10, f"{png.name} looks blank"


def _accessible(out):
    """Every screen: buttons ≥ 15 mm at the configured panel size, text contrast ≥ 4.5:1, no button over another."""
    checks = out["accessibility"]
    assert checks
    problems = {name: c["problems"] for name, c in checks.items() if c["problems"]}
    assert not problems, problems
    assert min(c["smallest_touch_mm"] for c in checks.values()) >= 15
    assert min(c["min_contrast"] for c in checks.values()) >= 4.5


@pytest.mark.slow  # every screen, twice
def test_large_text_mode_is_as_accessible(every_screen, every_screen_large):
    assert every_screen_large["files"] == []  # --checks-only
    assert set(every_screen_large["accessibility"]) == set(every_screen[1]["accessibility"])  # every screen
    _accessible(every_screen_large)


@pytest.mark.slow  # every screen, twice
def test_large_text_never_makes_a_text_smaller(every_screen, every_screen_large):
    # 大字模式 made the 点击开始 label smaller: the button's class rule (fs_button) overrode the screen's size.
    normal, large = (
        {k: v["font_px"] for k, v in out["accessibility"].items()} for out in (every_screen[1], every_screen_large)
    )
    for screen, fonts in normal.items():
        for widget, px in fonts.items():
            assert large[screen][widget] >= px, (screen, widget, px, large[screen][widget])
    assert large["attract.zh"]["start"] > normal["attract.zh"]["start"]


@pytest.mark.slow  # every screen
def test_every_applicant_screen_shows_the_step_bar_and_the_help_row(every_screen):
    from kiosk.i18n import tr

    checks = every_screen[1]["accessibility"]
    for name in ("service_menu.zh", "read_id_1.zh", "consent.zh", "done.zh", "attract.zh"):
        texts = checks[name]["texts"]
        applicant = not name.startswith("attract")
        assert (tr("call_staff", "zh") in texts) == applicant, (name, texts)
        assert (tr("repeat", "zh") in texts) == applicant
        assert (f"1  {tr('step_check_in', 'zh')}" in texts) == applicant


def test_every_text_fits_in_large_text_with_the_demo_strip(tmp_path):
    # 大字模式 made 点击开始 smaller; "Skip: staff will check me" overflowed its button; the strip's labels were cut
    # ("Remove ca", "Network off/o"). The check (accessibility.fit_problems) now sees each of them.
    only = "attract,face_1,choose_business,printer_problem,confirm,done"
    proc = run_cli(
        ["-m", "kiosk.cli.diag", "screens", "--out", str(tmp_path), "--large-text", "--demo-strip", "--only", only]
        + ["--json"]
    )
    out = json.loads(proc.stdout)
    assert out["ok"], (out.get("error"), proc.stderr[-2000:])
    problems = {name: c["problems"] for name, c in out["accessibility"].items() if c["problems"]}
    assert not problems, problems
    texts = out["accessibility"]["attract.en"]["texts"]
    assert "Remove card" in texts and "Network off/on" in texts


def test_landscape(tmp_path):
    proc = run_cli(
        [
            "-m",
            "kiosk.cli.diag",
            "screens",
            "--out",
            str(tmp_path),
            "--lang",
            "en",
            "--orientation",
            "landscape",
            "--only",
            "attract,service_menu",
            "--json",
        ]
    )
    assert json.loads(proc.stdout)["ok"], proc.stderr[-2000:]
    with Image.open(tmp_path / "attract.en.png") as im:
        assert im.size == (1920, 1080)
