"""Headless, every frame drawn before the next, as a window's buffer swap makes it.

Headless (kivy_env.prepare: the soaks, the screen checks, the journeys) the app draws into an offscreen buffer whose
swap does nothing. Mesa's llvmpipe, the software rasteriser where there is no GPU, then goes on binning frame after
frame into one scene — holding every texture drawn in it, deleted since or not — until the scene is full, and its
memory grows and falls in a saw-tooth of 100 MB and more that steps up over thousands of frames (issue 28;
bench/README.md, "The UI soak's memory"). In a window the swap has the frame drawn: nothing changes there."""

from __future__ import annotations

import os


def finish_each_frame(window) -> bool:
    """When headless, have each frame drawn at its flip (glFinish, as a swap does). Returns whether it did."""
    if os.environ.get("SDL_VIDEODRIVER") != "offscreen":
        return False
    from kivy.graphics.opengl import glFinish

    window.fbind("on_flip", lambda *a: glFinish())
    return True
