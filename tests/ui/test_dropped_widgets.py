"""Seen once in 2,000 UI soak journeys: setting app.step evaluated the kv rule of a step chip the bar had dropped
(`ReferenceError: weakly-referenced object no longer exists`, the flow listener failed). Kivy unbinds a dropped
widget's rules only from its weak proxy's destructor, in a garbage collection that may run on any thread; the test
holds that destructor back (as a collection on another thread does between clearing the proxy and calling it) and
changes what the dropped widgets' rules watch."""

from tests.ui.conftest import run_cli

SCRIPT = """
import gc, sys, tempfile
from kiosk.ui import kivy_env
kivy_env.prepare(tempfile.mkdtemp(), headless=True, size=(540, 960))
from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix import widget as kivy_widget

sys.stderr = sys.__stderr__  # Kivy logs stderr; a failure here must reach the test's output


class Stub(App):  # the app properties the step bar's rules read
    step = NumericProperty(0)
    lang = StringProperty("zh")
    u = NumericProperty(1.0)
    fs_body = NumericProperty(20.0)
    min_touch_px = NumericProperty(60)
    guided = BooleanProperty(True)
    large_text = BooleanProperty(False)

    def tr(self, key, lang):
        return key


app = Stub()
App._running_app = app
from kiosk.ui import widgets  # noqa: E402,F401  (the classes the kv rules name)
from kiosk.ui.app import KV_DIR  # noqa: E402

Builder.load_file(str(KV_DIR / "widgets.kv"))
Builder.load_string("<Holder@BoxLayout>:\\n    StepBar:\\n        id: bar\\n        current: app.step\\n")
from kivy.factory import Factory  # noqa: E402

holder = Factory.Holder()
bar = holder.ids.bar
later = []  # destructors held back, as if a collection on another thread had cleared the proxies and not yet run them
kivy_widget._widget_destructor = lambda uid, ref: later.append(uid)  # taken by the proxies of widgets made from now
bar.steps = ["check_in", "id_card", "face", "ticket"]
bar.steps = ["check_in", "id_card", "ticket"]  # the first four chips dropped
gc.collect()
print("dropped chips collected, their destructors held back:", len(later))
for step in range(3):
    app.step = step
    app.lang = "en" if step % 2 else "zh"
print("chips now", [c.text for c in reversed(bar.children)], [c.size_hint_x for c in reversed(bar.children)])
"""


def test_a_dropped_step_chip_no_longer_watches_the_app(tmp_path):
    script = tmp_path / "dropped.py"
    script.write_text(SCRIPT)
    out = run_cli([str(script)])
    assert out.returncode == 0, out.stderr[-3000:]
    held = int(out.stdout.split("held back:")[1].split()[0])
    assert held >= 4, out.stdout  # the race was set up: the old chips died with their destructors not yet run
    assert "'1  step_check_in', '2  step_id_card', '3  step_ticket'" in out.stdout
    assert "[1, 1, 1.3]" in out.stdout  # the live chips still follow app.step
