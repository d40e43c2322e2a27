"""The project's read-only assets: the top-level `assets/` folder, shipped in the wheel as the package
`heyuan_assets` (pyproject's package-dir mapping), so an installed release works from any directory.

    fonts/   models/   sounds/   locale/<lang>/LC_MESSAGES/kiosk.po
    voice/   the spoken prompts, synthesised at set-up (scripts/make_voice.py; not in git)
    samples/ the demo's card and face samples (the simulated camera, `kiosk-diag screens`, the privacy journey)

Found through importlib.resources, by kiosk, drivers and office alike (a data package: it imports none of them).
The wheel is installed unzipped, so `path()` is a plain directory path; from a zipped package it is extracted once.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

_extracted: ExitStack | None = None


def path(*parts: str, package: str = __name__) -> Path:
    """A real filesystem path to a packaged asset (file or folder): `path("fonts", "NotoSansSC-Kiosk.otf")`."""
    global _extracted
    ref = resources.files(package).joinpath(*parts)
    if isinstance(ref, Path):
        return ref
    if _extracted is None:
        _extracted = ExitStack()
        atexit.register(_extracted.close)
    return _extracted.enter_context(resources.as_file(ref))


def font_coverage(font: Path) -> frozenset[int]:
    """The code points a shipped font has. Read from its `.cmap` sidecar (written by scripts/make_fonts.py: the
    font's size, then the sorted code points as little-endian uint32) in a few ms, instead of parsing the font
    with fontTools (≈ 0.15 s of CPU at start); parsed when the sidecar is missing or belongs to another file."""
    import array
    import sys

    try:
        data = (font.parent / f"{font.name}.cmap").read_bytes()
        if int.from_bytes(data[:8], "little") == font.stat().st_size:
            points = array.array("I", data[8:])
            if sys.byteorder != "little":
                points.byteswap()
            return frozenset(points)
    except OSError:
        pass
    return _parse_coverage(font)


def _parse_coverage(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    face = TTFont(str(font), lazy=True)
    try:
        return frozenset(face.getBestCmap())
    finally:
        face.close()


def write_font_coverage(font: Path) -> Path:
    """Write the `.cmap` sidecar of a font (scripts/make_fonts.py; tests check the shipped ones are current)."""
    import array
    import sys

    points = array.array("I", sorted(_parse_coverage(font)))
    if sys.byteorder != "little":
        points.byteswap()
    sidecar = font.parent / f"{font.name}.cmap"
    sidecar.write_bytes(font.stat().st_size.to_bytes(8, "little") + points.tobytes())
    return sidecar
