"""Count the GL textures Kivy creates: every loaded module's `Texture` name is pointed at a counting stand-in
(Kivy's Texture type is compiled and cannot be patched itself). Modules imported afterwards are not counted."""

from __future__ import annotations

import sys
from collections import Counter


class _Counting:
    def __init__(self, real):
        self.real = real
        self.made = 0
        self.callers: Counter[str] = Counter()  # "file:function" that asked, to tell labels from images

    def _count(self) -> None:
        self.made += 1
        code = sys._getframe(2).f_code
        self.callers[f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}"] += 1

    def create(self, *args, **kwargs):
        self._count()
        return self.real.create(*args, **kwargs)

    def create_from_data(self, *args, **kwargs):
        self._count()
        return self.real.create_from_data(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __instancecheck__(self, obj) -> bool:
        return isinstance(obj, self.real)


def counter() -> _Counting:
    """Install the counter (once) and return it; `.made` is the number of textures created since."""
    from kivy.graphics.texture import Texture

    for module in list(sys.modules.values()):
        found = getattr(module, "Texture", None)
        if isinstance(found, _Counting):
            return found
    counting = _Counting(Texture)
    for module in list(sys.modules.values()):
        if getattr(module, "Texture", None) is Texture and module.__name__ != "kivy.graphics.texture":
            module.Texture = counting
    return counting
