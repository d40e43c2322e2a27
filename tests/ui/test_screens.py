"""kiosk-diag screens renders every screen, in both languages, for real (not blank)."""

import json

import pytest

from PIL import Image, ImageStat

from kiosk.flow import State
from tests.ui.conftest import run_cli


@pytest.mark.slow  # every screen rendered in its own process
def test_every_screen_in_both_languages(tmp_path):
    proc = run_cli(["-m", "kiosk.cli.diag", "screens", "--out", str(tmp_path), "--lang", "zh,en", "--json"])
    out = json.loads(proc.stdout)
    assert out["ok"], (out, proc.stderr[-2000:])
    names = {p.name for p in tmp_path.glob("*.png")}
    from kiosk.maintenance.presenters import MAINTENANCE_SCREENS

    for screen in [state.value for state in State] + list(MAINTENANCE_SCREENS):
        for lang in ("zh", "en"):
            assert f"{screen}.{lang}.png" in names
    small = {k: v for k, v in out["smallest_touch_target_px"].items() if v and v < 48}
    assert not small, small
    _accessible(out)
    for png in tmp_path.glob("*.png"):
        with Image.open(png) as im:
            assert im.size == (1080, 1920)
            stat = ImageStat.Stat(im.convert("L"))
            assert stat.stddev[0] > 10, f"{png.name} looks blank"


def _accessible(out):
    """Every screen: buttons ≥ 15 mm at the configured panel size, text contrast ≥ 4.5:1, no button over another."""
    checks = out["accessibility"]
    assert checks and len(checks) == len(out["files"])
    problems = {name: c["problems"] for name, c in checks.items() if c["problems"]}
    assert not problems, problems
    assert min(c["smallest_touch_mm"] for c in checks.values()) >= 15
    assert min(c["min_contrast"] for c in checks.values()) >= 4.5


@pytest.mark.slow  # every screen rendered in its own process
def test_large_text_mode_is_as_accessible(tmp_path):
    proc = run_cli(
        ["-m", "kiosk.cli.diag", "screens", "--out", str(tmp_path), "--lang", "zh,en", "--large-text", "--json"]
    )
    out = json.loads(proc.stdout)
    assert out["ok"], (out.get("error"), proc.stderr[-2000:])
    _accessible(out)


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


def test_large_text_never_makes_a_text_smaller(tmp_path):
    # 大字模式 made the 点击开始 label smaller: the button's class rule (fs_button) overrode the screen's size.
    sizes = []
    for extra in ([], ["--large-text"]):
        proc = run_cli(
            ["-m", "kiosk.cli.diag", "screens", "--out", str(tmp_path), "--only", "attract,done", "--json"] + extra
        )
        out = json.loads(proc.stdout)
        assert out["ok"], proc.stderr[-2000:]
        sizes.append({k: v["font_px"] for k, v in out["accessibility"].items()})
    normal, large = sizes
    for screen, fonts in normal.items():
        for widget, px in fonts.items():
            assert large[screen][widget] >= px, (screen, widget, px, large[screen][widget])
    assert large["attract.zh"]["start"] > normal["attract.zh"]["start"]


def test_every_applicant_screen_shows_the_step_bar_and_the_help_row(tmp_path):
    from kiosk.ui.i18n import tr

    proc = run_cli(
        [
            "-m",
            "kiosk.cli.diag",
            "screens",
            "--out",
            str(tmp_path),
            "--lang",
            "zh",
            "--json",
            "--only",
            "service_menu,read_id_1,consent,done,attract",
        ]
    )
    out = json.loads(proc.stdout)
    assert out["ok"], proc.stderr[-2000:]
    for name, check in out["accessibility"].items():
        texts = check["texts"]
        applicant = not name.startswith("attract")
        assert (tr("call_staff", "zh") in texts) == applicant, (name, texts)
        assert (tr("repeat", "zh") in texts) == applicant
        assert (f"1  {tr('step_check_in', 'zh')}" in texts) == applicant


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
