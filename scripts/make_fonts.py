#!/usr/bin/env python3
"""Regenerate assets/fonts/ from Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk).

The .ttc's first face is Japanese (different glyph shapes for many hanzi), so the Simplified Chinese face is
picked by name and saved alone, then subset with fontTools' pyftsubset (--name-IDs='*' keeps the licence
and copyright records):
  NotoSansSC-Kiosk.otf / -Kiosk-Bold.otf  GB2312 (6,763 hanzi + its symbols) + ASCII, Latin-1, punctuation,
                                          CJK symbols, fullwidth forms: what screens and tickets print.
  NotoSansSC-Fallback.otf                 every other CJK ideograph the SC face has (URO, Ext-A, compatibility):
                                          rare name characters (䶮, 堃, 喆 ...). Drawn per character.
OFL.txt is taken from the Debian package's copyright file.

Usage: .venv/bin/python scripts/make_fonts.py [--src DIR] [--out assets/fonts]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

REPO = Path(__file__).resolve().parent.parent
SRC = Path("/usr/share/fonts/opentype/noto")
COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
FAMILY = "Noto Sans CJK SC"

# Non-hanzi ranges kept in the main face (besides everything GB2312 encodes).
BASE_RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),  # ASCII, Latin-1
    (0x2000, 0x206F),  # general punctuation (— ‘ ’ “ ” … ‰ ※)
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x2600, 0x26FF),
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),  # CJK compatibility forms, fullwidth forms
]
FALLBACK_RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]


def gb2312_chars() -> set[int]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def extract_sc(ttc: Path, out: Path) -> TTFont:
    for font in TTCollection(str(ttc)).fonts:
        if font["name"].getDebugName(1) == FAMILY:
            font.save(str(out))
            return TTFont(str(out))
    raise SystemExit(f"{ttc}: no '{FAMILY}' face")


def subset(src: Path, dst: Path, codepoints: set[int], hinting: bool = True) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(",".join(f"U+{c:04X}" for c in sorted(codepoints)))
        unicodes_file = f.name
    subprocess.run(
        [
            sys.executable,
            "-m",
            "fontTools.subset",
            str(src),
            f"--unicodes-file={unicodes_file}",
            f"--output-file={dst}",
            "--name-IDs=*",
            "--name-languages=*",
            # Only kerning: the SC face's 'locl' and 'aalt' pull in the JP/KR/TC glyph variants (x2 size).
            "--layout-features=kern",
            "--notdef-outline",
        ]
        + ([] if hinting else ["--no-hinting"]),
        check=True,
    )
    Path(unicodes_file).unlink()


def write_ofl(font: TTFont, dst: Path) -> None:
    text = COPYRIGHT.read_text(encoding="utf-8")
    block = text.split("License: SIL-1.1\n", 2)[-1].split("\nLicense:", 1)[0]
    body = "\n".join("" if line.strip() == "." else line[1:] for line in block.splitlines())
    notice = font["name"].getDebugName(0) or ""
    dst.write_text(
        f"{notice}\n\nThis Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        f"This license is copied below.\n\n{body.strip()}\n",
        encoding="utf-8",
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=SRC)
    ap.add_argument("--out", type=Path, default=REPO / "assets" / "fonts")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    main_set = gb2312_chars() | {c for a, b in BASE_RANGES for c in range(a, b + 1)}
    with tempfile.TemporaryDirectory() as tmp:
        for weight, suffix in (("Regular", ""), ("Bold", "-Bold")):
            face_path = Path(tmp) / f"sc-{weight}.otf"
            face = extract_sc(args.src / f"NotoSansCJK-{weight}.ttc", face_path)
            have = set(face.getBestCmap())
            subset(face_path, args.out / f"NotoSansSC-Kiosk{suffix}.otf", main_set & have)
            if weight == "Regular":
                rare = {c for a, b in FALLBACK_RANGES for c in range(a, b + 1)} - main_set
                # Unhinted: rare characters only, and it keeps the three files under ~10 MB together.
                subset(face_path, args.out / "NotoSansSC-Fallback.otf", rare & have, hinting=False)
                write_ofl(face, args.out / "OFL.txt")
    sys.path.insert(0, str(REPO))
    from heyuan_assets import write_font_coverage

    for p in sorted(args.out.glob("*.otf")):
        write_font_coverage(p)  # the .cmap sidecar the kiosk reads at start instead of parsing the font
        print(f"{p.name}: {p.stat().st_size / 1e6:.2f} MB, {len(TTFont(str(p)).getBestCmap())} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
