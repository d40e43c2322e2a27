"""kiosk-diag screens renders every screen, in both languages, for real (not blank)."""
import json

from PIL import Image, ImageStat

from kiosk.flow import State
from tests.ui.conftest import run_cli


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
    for png in tmp_path.glob("*.png"):
        with Image.open(png) as im:
            assert im.size == (1080, 1920)
            stat = ImageStat.Stat(im.convert("L"))
            assert stat.stddev[0] > 10, f"{png.name} looks blank"


def test_landscape(tmp_path):
    proc = run_cli(["-m", "kiosk.cli.diag", "screens", "--out", str(tmp_path), "--lang", "en",
                    "--orientation", "landscape", "--only", "attract,service_menu", "--json"])
    assert json.loads(proc.stdout)["ok"], proc.stderr[-2000:]
    with Image.open(tmp_path / "attract.en.png") as im:
        assert im.size == (1920, 1080)
