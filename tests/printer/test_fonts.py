"""The shipped CJK fonts: the SC face, the coverage the ticket rule relies on, licence, size."""

from fontTools.ttLib import TTFont

from drivers.printer.fonts import BOLD, FALLBACK, FONT_DIR, REGULAR, coverage, font_for
from drivers.printer.render import natively_printable


def test_sc_face_with_licence_records():
    for path in (REGULAR, BOLD, FALLBACK):
        names = TTFont(str(path), lazy=True)["name"]
        assert "Noto Sans CJK SC" in names.getDebugName(1)
        assert "Open Font License" in (names.getDebugName(13) or "")
    assert "SIL OPEN FONT LICENSE" in (FONT_DIR / "OFL.txt").read_text().upper()


def test_everything_printed_natively_is_in_the_main_font_and_rare_names_fall_back():
    main = coverage(REGULAR)
    for hi in range(0xB0, 0xF8):  # GB2312 hanzi rows
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            assert ord(ch) in main, ch
    for ch in "䶮堃喆犇淼":
        assert not natively_printable(ch) or ch in "犇淼"
        assert font_for(ch) in (REGULAR, FALLBACK) and ord(ch) in main | coverage(FALLBACK)
    assert font_for("䶮") == FALLBACK and font_for("婚") == REGULAR


def test_total_size_under_ten_megabytes():
    assert sum(p.stat().st_size for p in FONT_DIR.glob("*.otf")) < 10_000_000


def test_shipped_coverage_sidecars_match_the_fonts():
    """The kiosk reads each font's .cmap sidecar at start instead of parsing the font: it must be current
    (regenerate with scripts/make_fonts.py)."""
    from heyuan_assets import _parse_coverage, font_coverage

    for path in (REGULAR, BOLD, FALLBACK):
        assert path.with_name(path.name + ".cmap").is_file(), path
        assert font_coverage(path) == _parse_coverage(path), path
