"""Checks a rendered screen from its widget tree: every button the applicant can touch is at least 15 mm on the
configured panel, every text has a contrast of at least 4.5:1 (WCAG AA) against what is painted behind it, and
every text fits its box (no overflow, no character stranded on a last line) — in each language and text size.

The background of a text is found by walking up the tree to the first widget that paints a filled colour over
its area (a flat button, a canvas.before rectangle), blending colours that are not opaque, down to the window's
clear colour. Disabled controls are exempt (as in WCAG). Used by `kiosk-diag screens` and its test.
"""

from __future__ import annotations

import re

MIN_CONTRAST = 4.5
MIN_TOUCH_MM = 15.0
_MARKUP_COLOR = re.compile(r"\[color=#?([0-9a-fA-F]{6})\]")
_TAG = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")


def luminance(rgb) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(c)) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    """WCAG contrast ratio of two opaque colours (0–1 channels)."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def blend(top, below) -> tuple[float, float, float]:
    alpha = top[3] if len(top) > 3 else 1.0
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top[:3], below[:3]))


def _visible(widget) -> bool:
    w = widget
    while w is not None and w is not w.parent:
        if getattr(w, "opacity", 1) <= 0.01 or getattr(w, "height", 1) <= 0 or getattr(w, "width", 1) <= 0:
            return False
        w = w.parent
    return True


def _own_fill(widget):
    """The colour a widget paints over its whole area behind its children/text, or None."""
    from kivy.graphics import Color, Rectangle, RoundedRectangle
    from kivy.uix.button import Button

    if isinstance(widget, Button):
        if widget.background_normal == "":
            return tuple(widget.background_color)
        return (0.35, 0.35, 0.35, 1.0)  # Kivy's default button image: mid grey
    fill, colour = None, None
    for instruction in widget.canvas.before.children if widget.canvas.before else ():
        if isinstance(instruction, Color):
            colour = tuple(instruction.rgba)
        elif isinstance(instruction, (Rectangle, RoundedRectangle)) and colour is not None:
            w, h = instruction.size
            if w >= widget.width * 0.9 and h >= widget.height * 0.9 and colour[3] > 0:
                fill = colour
    return fill


def background_of(widget, window_colour) -> tuple[float, float, float]:
    fills = []
    w = widget
    while w is not None and w is not w.parent:
        fill = _own_fill(w)
        if fill is not None:
            fills.append(fill)
            if fill[3] >= 0.999:
                break
        w = w.parent
    colour = tuple(window_colour[:3])
    for fill in reversed(fills):
        colour = blend(fill, colour)
    return colour


def text_colours(label) -> list[tuple]:
    colours = [tuple(label.color)]
    if getattr(label, "markup", False):
        colours += [
            tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)) + (1.0,) for h in _MARKUP_COLOR.findall(label.text)
        ]
    return colours


def check(root, min_touch_px: float, px_per_mm: float, window_colour) -> dict:
    """{smallest_touch_px, smallest_touch_mm, min_contrast, problems: [...], texts: [...]} for what `root`
    shows (the texts let a test see what is on screen without reading pixels)."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label

    problems: list[str] = []
    texts: list[str] = []
    touch: list[float] = []
    boxes: list[tuple] = []
    worst = 21.0
    fonts: dict[str, float] = {}  # font size of each text with an id (large text must never make one smaller)
    window = root.get_root_window()
    for w in root.walk(restrict=True):
        if not _visible(w) or not w.get_root_window():
            continue
        if isinstance(w, ButtonBehavior) and not w.disabled:
            side = min(w.width, w.height)
            touch.append(side)
            if side + 0.5 < min_touch_px:
                problems.append(f"{_name(w)}: {side / px_per_mm:.1f} mm touch target")
            x, y = w.to_window(*w.pos)
            box = (x, y, x + w.width, y + w.height)
            if window is not None and (
                box[0] < -1 or box[1] < -1 or box[2] > window.width + 1 or box[3] > window.height + 1
            ):
                problems.append(f"{_name(w)}: off the screen")
            for other, b in boxes:  # a layout that overflows puts one button over another
                if min(box[2], b[2]) - max(box[0], b[0]) > 2 and min(box[3], b[3]) - max(box[1], b[1]) > 2:
                    problems.append(f"{_name(w)} overlaps {_name(other)}")
            boxes.append((w, box))
        if isinstance(w, Label) and _TAG.sub("", w.text).strip():
            texts.append(_TAG.sub("", w.text))
            if getattr(w, "must_fit", False) and w._label.get_extents(w.text)[0] > w.width - 2 * w.padding_x:
                problems.append(f"{_name(w)}: cut short")
            problems += fit_problems(w)
            key = _id_of(w)
            if key:
                fonts[key] = round(float(w.font_size), 1)
        if isinstance(w, Label) and not w.disabled and _TAG.sub("", w.text).strip():
            bg = background_of(w, window_colour)
            for fg in text_colours(w):
                ratio = contrast(blend(fg, bg), bg)
                worst = min(worst, ratio)
                if ratio < MIN_CONTRAST:
                    problems.append(f"{_name(w)}: contrast {ratio:.2f}:1")
    smallest = min(touch) if touch else 0.0
    return {
        "smallest_touch_px": round(smallest, 1),
        "smallest_touch_mm": round(smallest / px_per_mm, 1),
        "min_contrast": round(worst, 2),
        "problems": problems,
        "texts": texts,
        "font_px": fonts,
    }


def fit_problems(label) -> list[str]:
    """A text that does not fit its box: wider than it (a word too long to wrap, a label that does not wrap),
    taller than a box of fixed height (a button whose text wraps to too many lines), or a wrapped Chinese
    paragraph that ends in a stranded character or two ("明", "核验）") on a line of its own."""
    from kiosk.ui.linebreak import ORPHAN, NO_START, has_cjk, plain

    if label._trigger_texture.is_triggered:  # else its texture is the text as drawn: no need to render it again
        label.texture_update()
    tw, th = label.texture_size
    box_w = label.width
    out = []
    if tw > box_w + 1:
        out.append(f"{_name(label)}: text {tw:.0f} px wide in a {box_w:.0f} px box")
    if th > label.height + 2:
        out.append(f"{_name(label)}: text {th:.0f} px tall in a {label.height:.0f} px box")
    paragraphs = plain(getattr(label, "_source", "") or label.text).split("\n")
    shown = iter(plain(label.text).split("\n"))
    for paragraph in paragraphs:  # the shown lines of each paragraph, in order (CjkWrap only adds breaks)
        lines, joined = [], ""
        for line in shown:
            lines.append(line)
            joined += line
            if joined.replace(" ", "") == paragraph.replace(" ", ""):
                break
        last = lines[-1].strip() if lines else ""
        stranded = len(lines) > 1 and last and sum(c not in NO_START for c in last) <= ORPHAN
        if has_cjk(paragraph) and stranded:
            out.append(f"{_name(label)}: '{last}' stranded on the last line")
    return out


def _id_of(widget) -> str:
    return next((k for k, v in _ids_around(widget).items() if v is widget), "")


def _name(widget) -> str:
    ids = getattr(widget, "parent", None) and {id(v): k for k, v in _ids_around(widget).items()}
    label = ids.get(id(widget)) if ids else None
    text = _TAG.sub("", getattr(widget, "text", "")).strip().replace("\n", " ")[:24]
    return f"{type(widget).__name__}{'#' + label if label else ''} '{text}'"


def _ids_around(widget) -> dict:
    w, found = widget, {}
    while w is not None and w is not w.parent:
        found.update({k: v.__self__ if hasattr(v, "__self__") else v for k, v in getattr(w, "ids", {}).items()})
        w = w.parent
    return found
