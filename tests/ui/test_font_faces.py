"""Found measuring issue 28's memory (bench/README.md, "The UI soak's memory"): Kivy opened one font face per size
as written, so the screens' fractional sizes (17.0, 17.3, 17.85 …) each held a copy of the same 17-pixel CJK face
(≈ 0.5 MB), up to Kivy's 64. kiosk.ui.fonts keys the faces by the pixel size they are opened at."""

import json

from tests.ui.conftest import run_cli

SCRIPT = """
import hashlib, json, os, sys, tempfile
from kiosk.ui import kivy_env
kivy_env.prepare(tempfile.mkdtemp(), headless=True, size=(540, 960))
from kivy.core.window import Window  # noqa: F401  (SDL up before the first text is measured)
from kivy.core.text import Label as CoreLabel
from kiosk.ui import fonts

sys.stderr = sys.__stderr__  # Kivy logs stderr; a failure here must reach the test's output

def faces():
    names, paths = {p.name for p in fonts.FONT_DIR.glob("*.otf")}, []
    for fd in os.listdir("/proc/self/fd"):
        try:
            paths.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the listing's own descriptor, closed by now
            pass
    return sum(os.path.basename(p) in names for p in paths)

if sys.argv[1] == "kiosk":
    fonts.register_default()
before = faces()
sizes = [17 + i / 40 for i in range(40)] + [26 + i / 40 for i in range(40)]  # two pixel sizes, 80 ways of writing them
for bold in (False, True):
    for size in sizes:
        label = CoreLabel(text="请出示身份证 ID card", font_size=size, font_name=str(fonts.REGULAR), bold=bold)
        label.refresh()
        assert label.texture is not None
drawn = CoreLabel(text="请出示身份证 ID card", font_size=17.9, font_name=str(fonts.REGULAR))
drawn.refresh()
from kivy.graphics import Fbo, Rectangle  # drawn as a screen draws it (the kiosk's labels are texture regions)
fbo = Fbo(size=drawn.texture.size)
with fbo:
    Rectangle(size=drawn.texture.size, texture=drawn.texture)
fbo.draw()
print(json.dumps({"opened": faces() - before, "drawn": [drawn.texture.size, hashlib.sha256(fbo.pixels).hexdigest()]}))
"""


def _faces(mode: str) -> dict:
    proc = run_cli(["-c", SCRIPT, mode], timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_fractional_sizes_share_the_face_of_their_pixel_size():
    kiosk = _faces("kiosk")
    assert kiosk["opened"] == 4  # 17 and 26 px, regular and bold
    plain = _faces("kivy")  # Kivy as shipped: one face per written size, until its 64 places are full
    assert plain["opened"] > 32
    assert kiosk["drawn"] == plain["drawn"]  # the same 17-pixel face draws the same pixels
