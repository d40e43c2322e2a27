"""Kivy labels that keep their GL texture when their text changes size.

Plain Kivy gives a label a new GL texture whenever its text's pixel size changes (a countdown, a name, a status
line). Each new texture costs the renderer work and memory (Mesa's llvmpipe where there is no GPU; headless, it
also held deleted textures until kiosk/ui/offscreen.py finished every frame: bench/README.md, "The UI soak's memory").
Here each core label keeps a backing texture sized in steps of STEP pixels and draws into its corner, a region of
the same size as before; a new backing texture only when the text outgrows it. What reaches the screen is the same:
the region's size is the text's size, and the pixels just outside it repeat its edge, as clamp-to-edge sampling does
at the border of a texture of its own (labels sit at half pixels, so linear filtering reads one texel beyond).
Screens build labels afresh (lists, dialogs), so a backing texture goes back to a shared pool once its label is
collected or has outgrown it and no region of it is left (Kivy's TextInput keeps the texture of a core label it
drops), and a new label takes one of its size from there."""

from __future__ import annotations

import weakref
from typing import Any

STEP = 64
POOLED = 128  # free backing textures kept at most (≈ 16–64 kB each); beyond that they are let go
_free: dict[tuple[int, int], list[Any]] = {}  # (width, height) -> free backing textures
_pooled = [0]  # how many: a collection may add to the pool on any thread, so no lock and no walk over the dict


def _stepped(n: int) -> int:
    return -(-n // STEP) * STEP


class _Lease:
    """One label's use of a backing texture: free when the label has let go and no region of it is alive. The
    counts change in finalizers (no GL call there: safe from a collection on any thread)."""

    def __init__(self, backing: Any):
        self.backing, self.regions, self.held = backing, 0, True

    def region(self, region: Any) -> Any:
        self.regions += 1
        weakref.finalize(region, self._region_gone)
        return region

    def _region_gone(self) -> None:
        self.regions -= 1
        self._maybe_free()

    def let_go(self) -> None:
        self.held = False
        self._maybe_free()

    def _maybe_free(self) -> None:
        if not self.held and self.regions == 0 and self.backing is not None:
            backing, self.backing = self.backing, None
            if _pooled[0] < POOLED:
                _pooled[0] += 1
                _free.setdefault(backing.size, []).append(backing)


def _take(size: tuple[int, int]) -> Any:
    try:
        backing = _free.get(size, []).pop()
    except IndexError:
        return None
    _pooled[0] -= 1
    return backing


def install() -> None:
    from kivy.core import text as core_text
    from kivy.core.image import ImageData
    from kivy.core.text import Label as CoreLabel
    from kivy.core.text import LabelBase

    if getattr(CoreLabel, "_keeps_texture", False):
        return
    render_end = CoreLabel._render_end

    def refresh(self) -> None:
        if self.options["mipmap"]:  # mipmaps of a larger texture would mix in the pixels outside the region
            return LabelBase.refresh(self)
        self.resolve_font_name()
        width, height = self._size_texture = self._size = tuple(self.render())
        if width <= 1 or height <= 1:
            self.texture = self.texture_1px
            return
        texture = self.texture
        if texture is not None and texture.size == (width, height):
            self._texture_fill(texture)
            return
        backing = getattr(self, "_backing", None)
        if backing is None or backing.width < width or backing.height < height:
            size = (_stepped(width), _stepped(height))
            if backing is not None:  # grows, never shrinks: text alternating between wide and tall settles
                size = (max(size[0], backing.width), max(size[1], backing.height))
                self._lease.let_go()
            backing = self._backing = _take(size) or core_text.Texture.create(size=size)
            self._lease = _Lease(backing)
            weakref.finalize(self, self._lease.let_go)
        texture = self._lease.region(backing.get_region(0, 0, width, height))
        texture.flip_vertical()
        texture.add_reload_observer(self._texture_refresh)  # GL context lost: the backing is re-made, text redrawn
        # Filled now, not at the next draw (Kivy's ask_update): the backing would hold the label's callback till then,
        # the lease the backing and the label's finalizer the lease — a label dropped before it was drawn would live
        # on forever, and its backing with it (a new texture each: the UI soak's remaining growth, issue 28).
        self.texture = texture
        self._texture_fill(texture)

    def _render_end(self):
        """The rendered text plus one column and one row repeating its right and bottom edges."""
        data = render_end(self)
        backing = getattr(self, "_backing", None)
        texture = self.texture
        if backing is None or texture is None or texture.id != backing.id or data is None or data.fmt != "rgba":
            return data  # not drawn into a backing texture (mipmapped label): nothing beyond its edge to set
        if data.width <= 1:
            return data
        w, h = data.width, data.height
        row, px = w * 4, data.data
        wide = w < backing.width
        rows = [
            px[i * row : (i + 1) * row] + (px[(i + 1) * row - 4 : (i + 1) * row] if wide else b"") for i in range(h)
        ]
        if h < backing.height:
            rows.append(rows[-1])
        return ImageData(w + wide, len(rows), "rgba", b"".join(rows))

    CoreLabel.refresh = refresh
    CoreLabel._render_end = _render_end
    CoreLabel._keeps_texture = True
