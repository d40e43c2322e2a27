"""Shared widgets: big buttons, wrapping labels (CJK line breaking), the header with cancel, the step bar and the
help row (repeat the prompt, call staff) around every applicant screen, the numeric keypad, the card-reader
animation, the face preview with its oval guide, and the demo strip. Layout and looks live in widgets.kv."""

from __future__ import annotations

from kivy.animation import Animation
from kivy.app import App
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.flow.events import Cancel
from kiosk.ui.linebreak import break_lines, has_cjk


class Root(BoxLayout):
    pass


def drop_children(parent: Widget) -> None:
    """Remove `parent`'s children for good, their kv rules unbound now, on the main thread. Left to Kivy, a dropped
    widget's rules stay bound to what they watch (app.step, app.lang, …) until a garbage collection runs its weak
    proxy's destructor — a collection that may start on any thread that allocates (camera, network), and between its
    clearing the proxy and running the destructor the main thread can set a watched property and evaluate a dead
    widget's rule: ReferenceError in the middle of showing a screen (seen once in 2,000 soak journeys)."""
    for child in list(parent.children):
        for widget in child.walk(restrict=True):
            Builder.unbind_widget(widget.uid)
    parent.clear_widgets()


class Sized:
    """`font_px`: a size a screen sets (from app.fs_*) instead of `font_size`. The class rule computes font_size
    from it and the default in one expression: two rules both setting font_size would let whichever app size
    changes last win (大字模式 made 点击开始 smaller than normal)."""

    font_px = NumericProperty(0)


class OfflineBanner(Label):
    """ "Offline" over the top of the window; touches go through to what lies below."""

    def on_touch_down(self, touch):
        return False

    def on_touch_move(self, touch):
        return False

    def on_touch_up(self, touch):
        return False


class CjkWrap:
    """For a label that wraps (text_size width set): Chinese text is cut into lines by kiosk.ui.linebreak, so no
    line starts with ，。、：；！？）」』 or ends with （「『; Kivy then only draws the lines. The text as given stays
    in `_source`; what is shown is the same text with line breaks."""

    _source = ""
    _shown: str | None = None

    def __init__(self, **kw):
        self._wrap_later = Clock.create_trigger(self._wrap, -1)
        super().__init__(**kw)
        self.fbind("width", self._wrap_later)
        self.fbind("text_size", self._wrap_later)
        self.fbind("font_size", self._wrap_later)
        self.fbind("bold", self._wrap_later)

    def on_text(self, *a):
        if self.text != self._shown:
            self._source, self._shown = self.text, None
            self._wrap_later()

    def _wrap(self, *a):
        source, box = self._source, self.text_size[0]
        if not box or box <= 0 or not has_cjk(source) or "[size=" in source:  # sized runs: Kivy measures them
            return
        room = box - 2 * self.padding_x - 1
        measure = self._label.get_extents
        wrapped = "\n".join(break_lines(source, lambda s: measure(s)[0], room))
        if wrapped != self.text:
            self._shown = wrapped
            self.text = wrapped


class KButton(Sized, CjkWrap, Button):
    role = StringProperty("secondary")  # primary | secondary | danger | choice
    sub = StringProperty("")  # a smaller second line
    size_h = NumericProperty(0)  # a height other than app.button_h (set it, not `height`, in kv)
    grow = BooleanProperty(False)  # taller when the text wraps (in a list, where a taller button moves nothing)

    def on_texture_size(self, *a):
        # through size_h, not a second rule on `height` (two rules on one property: the last to fire wins)
        if self.grow:
            app = App.get_running_app()
            self.size_h = max(app.button_h, self.texture_size[1] + 16 * app.u)


class KLabel(Sized, CjkWrap, Label):
    pass


class StepBar(BoxLayout):
    """签到 → 读取身份证 → 拍照核验 → 取号 (the business's variant), the current step highlighted."""

    steps = ListProperty([])
    current = NumericProperty(-1)

    def on_steps(self, *a):
        drop_children(self)
        for i, key in enumerate(self.steps):
            self.add_widget(StepChip(key=key, number=i + 1, bar=self))


class StepChip(Label):
    must_fit = True  # the accessibility check reports a step name cut short
    key = StringProperty("")
    number = NumericProperty(1)
    bar = ObjectProperty(None)


class HelpRow(BoxLayout):
    """Below every applicant screen: say the prompt again, and call a person. Hidden elsewhere (height 0), where
    it takes no touch (rather than disabling its buttons, which would redraw them on every screen change)."""

    def on_touch_down(self, touch):
        return super().on_touch_down(touch) if App.get_running_app().guided else False


class Header(BoxLayout):
    title = StringProperty("")
    cancel = BooleanProperty(True)

    def on_cancel_press(self):
        App.get_running_app().post(Cancel())


class Keypad(GridLayout):
    """Digits, clear and delete; edits `value` up to `max_len` digits."""

    value = StringProperty("")
    max_len = NumericProperty(11)

    def press(self, key: str) -> None:
        App.get_running_app().shell.touched()
        if key == "clear":
            self.value = ""
        elif key == "del":
            self.value = self.value[:-1]
        elif len(self.value) < self.max_len:
            self.value += key


class CardReaderAnimation(FloatLayout):
    """A card sliding onto the reader, looping until the screen leaves."""

    progress = NumericProperty(0.0)

    def start(self):
        self.stop()
        self.progress = 0.0
        self._anim = (
            Animation(progress=1.0, duration=1.2, t="out_quad")
            + Animation(duration=0.8)
            + Animation(progress=0.0, duration=0.01)
        )
        self._anim.repeat = True
        self._anim.start(self)

    def stop(self):
        Animation.cancel_all(self)


class FacePreview(Widget):
    """The live camera picture (mirrored, as applicants expect) under an oval guide; without the guide, a
    captured photo for the applicant to review."""

    texture = ObjectProperty(None, allownone=True)
    good = BooleanProperty(False)
    guide = BooleanProperty(True)

    _kept = None  # the texture, kept past clear(): a new GL texture per capture costs llvmpipe memory (issue 28)

    def show_frame(self, frame) -> None:
        h, w = frame.shape[:2]
        tex = self._kept
        if tex is None or tex.size != (w, h):
            tex = self._kept = Texture.create(size=(w, h), colorfmt="bgr")
            tex.flip_vertical()
            tex.flip_horizontal()
        tex.blit_buffer(frame.tobytes(), colorfmt="bgr", bufferfmt="ubyte")
        self.texture = tex
        self.canvas.ask_update()

    def clear(self) -> None:
        if self._kept is not None:
            w, h = self._kept.size
            self._kept.blit_buffer(bytes(w * h * 3), colorfmt="bgr", bufferfmt="ubyte")
        self.texture = None
        self.good = False


class DemoStrip(BoxLayout):
    """Demo only: present/remove cards, show a booking QR, pull the paper, cut the network."""

    controls = ObjectProperty(None)
    paper_out = BooleanProperty(False)
    network_cut = BooleanProperty(False)

    def act(self, what: str) -> None:
        c = self.controls
        if what == "paper":
            self.paper_out = c.toggle_paper()
        elif what == "network":
            self.network_cut = c.toggle_network()
        else:
            getattr(c, what)()


class DemoLabel(Label):
    pass
