"""Found measuring issue 28's memory (bench/README.md, "The UI soak's memory"): plain Kivy gives a label a new GL
texture whenever its text changes size, and llvmpipe keeps state for every texture it has seen. The kiosk's labels
keep a backing texture and draw into a region of it (kiosk.ui.label_textures); what reaches the screen must not
change, also where linear filtering reads beyond the region's edge (scaled, at half pixels)."""

import base64
import json

from tests.ui.conftest import run_cli

SCRIPT = """
import base64, json, sys, tempfile
from kiosk.ui import kivy_env
kivy_env.prepare(tempfile.mkdtemp(), headless=True, size=(540, 960))
from kivy.core.window import Window  # noqa: F401  (GL up before the first texture)
from kivy.graphics import Color, Rectangle
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from kiosk.ui import fonts

sys.stderr = sys.__stderr__  # Kivy logs stderr; a failure here must reach the test's output

if sys.argv[1] == "kiosk":
    fonts.register_default()
else:
    from kivy.core.text import DEFAULT_FONT, LabelBase
    LabelBase.register(DEFAULT_FONT, str(fonts.REGULAR), fn_bold=str(fonts.BOLD))

TEXTS = ["请出示身份证", "请出示身份证 ID card，然后稍候", "河源", "[b]王[/b]小明 [color=#ff0000]预约[/color] 09:30",
         "一\\n二行的文字\\n三", "河源市婚姻登记处 全城通办 Heyuan", "", "1", "剩余 12 秒"]
plain = Label(font_size=21)
marked = Label(font_size=17.5, markup=True, color=(0.2, 0.4, 0.9, 1))
root = Widget(size=(540, 180))
seen, frames, first_round = [], [], 0
for i in range(60):
    text = TEXTS[i % len(TEXTS)]
    plain.text, marked.text = text.replace("[b]", "").replace("[/b]", ""), text
    for label in (plain, marked):
        label.texture_update()
        if label.texture is not None:
            seen.append(label.texture)  # held, so no texture's GL name is handed out twice
    if i == len(TEXTS) - 1:
        first_round = len({t.id for t in seen})
    if i >= len(TEXTS):
        continue
    root.canvas.clear()
    with root.canvas:
        Color(1, 1, 1, 1)
        Rectangle(pos=(0, 0), size=root.size)
        for y, label in ((5, plain), (90, marked)):
            if label.texture is not None:
                tw, th = label.texture_size
                Rectangle(texture=label.texture, pos=(3, y), size=(tw, th))
                Rectangle(texture=label.texture, pos=(270.5, y + 0.5), size=(tw * 1.5, th * 1.5))
    frames.append(base64.b64encode(root.export_as_image().texture.pixels).decode())
import gc
from kivy.core.text import Label as CoreLabel
kept = []  # as Kivy's TextInput does: keep a core label's texture, drop the label
for text in ("甲乙丙丁", "戊己庚辛", "壬癸子丑"):  # the same size each
    core = CoreLabel(text=text, font_size=20)
    core.refresh()
    kept.append(core.texture)
    del core
    root.canvas.clear()
    with root.canvas:
        Color(0, 0, 0, 1)  # a core label's text is white
        Rectangle(pos=(0, 0), size=root.size)
        Color(1, 1, 1, 1)
        for i, texture in enumerate(kept):
            Rectangle(texture=texture, pos=(5 + 120 * i, 20), size=texture.size)
    shot = root.export_as_image().texture.pixels  # drawn: the texture's filled, nothing holds the label now
    gc.collect()
frames.append(base64.b64encode(shot).decode())
print(json.dumps({"first_round": first_round, "textures": len({t.id for t in seen}), "frames": frames}))
"""


def _run(mode: str) -> dict:
    proc = run_cli(["-c", SCRIPT, mode], timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_labels_keep_their_texture_and_draw_the_same_pixels():
    kiosk, plain = _run("kiosk"), _run("kivy")
    assert plain["textures"] > 60  # Kivy as shipped: a texture per change of size (120 changes, some the same)
    assert kiosk["textures"] <= 10  # two labels, each outgrowing its backing texture a few times at most …
    assert kiosk["textures"] == kiosk["first_round"]  # … and after that, none: the texts come round again
    assert len(kiosk["frames"]) == len(plain["frames"]) == 10
    for i, (ours, theirs) in enumerate(zip(kiosk["frames"], plain["frames"])):
        a, b = base64.b64decode(ours), base64.b64decode(theirs)
        assert len(a) == len(b)
        worst = max(abs(x - y) for x, y in zip(a, b))
        assert worst <= 1, f"frame {i}: pixels differ by up to {worst}"


DROPPED = """
import gc, random, sys, tempfile
from kiosk.ui import kivy_env
kivy_env.prepare(tempfile.mkdtemp(), headless=True, size=(540, 960))
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label
from kiosk.ui import fonts, label_textures

sys.stderr = sys.__stderr__
fonts.register_default()
rnd = random.Random(1)
for i in range(200):  # a screen's list built afresh: labels of new sizes, drawn, dropped
    labels = [Label(text="河源" * rnd.randint(1, 30), font_size=rnd.choice((17, 21, 28, 40)), text_size=(500, None))
              for _ in range(6)]
    for label in labels:
        Window.add_widget(label)
        label.texture_update()
    Window.dispatch("on_draw")
    Clock.tick()
    for label in labels:
        Window.remove_widget(label)
    del labels, label
gc.collect()
print("core labels alive", sum(1 for o in gc.get_objects() if type(o).__name__ == "LabelSDL2"))
print("pooled", label_textures._pooled[0])
"""


def test_dropped_labels_are_collected_and_their_backings_pooled():
    """Found in the UI soak (issue 28): a backing texture kept the label's pending fill callback, the lease kept the
    backing and the label's finalizer the lease, so a dropped label and its backing lived forever (1,200 labels
    dropped: 1,200 alive, none pooled, a new texture each)."""
    out = run_cli(["-c", DROPPED])
    assert out.returncode == 0, out.stderr[-3000:]
    assert "core labels alive 0" in out.stdout, out.stdout
    assert int(out.stdout.split("pooled")[1].split()[0]) > 0, out.stdout
