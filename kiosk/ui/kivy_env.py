"""Kivy settings that must be in place before the first `import kivy` (lock-down, home dir, window size).

Call `prepare()` once, first thing, from the entry point; later kivy imports see these settings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def prepare(
    kivy_home: Path | str,
    *,
    orientation: str = "portrait",
    fullscreen: bool = False,
    show_cursor: bool = True,
    headless: bool = False,
    size: tuple[int, int] | None = None,
    verbose: bool = False,
) -> tuple[int, int]:
    """Returns the window size. `headless` renders offscreen with Mesa (no display needed)."""
    if "kivy" in sys.modules and "kivy.core.window" in sys.modules:
        raise RuntimeError("kivy was imported before prepare(): lock-down settings would not apply")
    Path(kivy_home).mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    if verbose:
        os.environ.pop("KIVY_NO_CONSOLELOG", None)
    else:
        os.environ["KIVY_NO_CONSOLELOG"] = "1"
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")  # cues "play" with no sound card (CI, checks)
        os.environ.pop("KIVY_GL_BACKEND", None)  # never the mock backend: it draws nothing
    width, height = size or SIZES.get(orientation, SIZES["portrait"])
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "fullscreen", "auto" if fullscreen and not headless else "0")
    Config.set("graphics", "show_cursor", "1" if show_cursor else "0")
    Config.set("graphics", "maxfps", "60")
    Config.set("graphics", "multisamples", "0")
    import logging

    # Kivy keeps and may print DEBUG records; HTTP client debug lines carry lookup URLs (phone, ID number).
    for name in ("urllib3", "requests", "httpx", "PIL"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return width, height
