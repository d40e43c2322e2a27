"""The 全城通办 report as a bar chart PNG, drawn with Pillow (no matplotlib on the terminal).

Three panels: applicants by home county (the office's own county highlighted), cases by business, cases by day.
The CJK font is the kiosk's subset (assets/fonts/NotoSansSC-Kiosk.otf); without it, DejaVu (Latin labels only)
or Pillow's built-in font.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import heyuan_assets as assets
from kiosk.maintenance.report import business_name, county_name

CJK_FONT = assets.path("fonts", "NotoSansSC-Kiosk.otf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
WIDTH, PANEL_H, MARGIN = 1200, 330, 40
INK, GRID, BAR, OWN, BG = (33, 33, 33), (220, 220, 220), (66, 133, 180), (214, 96, 77), (255, 255, 255)


def load_font(size: int, font_path: Path | None = None):
    """(font, cjk): the CJK subset when present, else DejaVu, else Pillow's default bitmap font."""
    for path, cjk in ((font_path, True), (CJK_FONT, True), (DEJAVU, False)):
        if path and Path(path).exists():
            try:
                return ImageFont.truetype(str(path), size), cjk
            except OSError:
                continue
    return ImageFont.load_default(size), False


def _label(zh: str, en: str, cjk: bool) -> str:
    return f"{zh} {en}" if cjk else en


def fit_label(draw: ImageDraw.ImageDraw, label: str, font, width: float, lines: int = 2) -> str:
    """The label broken into at most `lines` lines no wider than `width` (at spaces, or anywhere in Chinese
    text), the last one cut short with … if it still does not fit."""
    if draw.textlength(label, font=font) <= width:
        return label
    words = label.split(" ") if " " in label else list(label)
    joiner = " " if " " in label else ""
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if current and draw.textlength(candidate, font=font) > width:
            out.append(current)
            current = word
        else:
            current = candidate
    out.append(current)
    if len(out) > lines:
        out = out[: lines - 1] + [joiner.join(out[lines - 1 :])]
    last = out[-1]
    if draw.textlength(last, font=font) > width:
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return "\n".join(out)


def _panel(draw: ImageDraw.ImageDraw, top: int, title: str, bars: list[tuple[str, int, bool]], font, small) -> None:
    draw.text((MARGIN, top), title, fill=INK, font=font)
    x0, x1, y0, y1 = MARGIN + 50, WIDTH - MARGIN, top + 60, top + PANEL_H - 60
    peak = max([n for _, n, _ in bars] + [1])
    step = max(1, -(-peak // 5))
    top = -(-peak // step) * step
    scale = (y1 - y0) / top
    for tick in range(0, top + 1, step):
        y = y1 - tick * scale
        draw.line((x0, y, x1, y), fill=GRID)
        draw.text((MARGIN, y - 8), str(tick), fill=INK, font=small)
    if not bars:
        return
    slot = (x1 - x0) / len(bars)
    width = max(2, min(80, slot * 0.6))
    for i, (label, n, highlight) in enumerate(bars):
        cx = x0 + slot * (i + 0.5)
        draw.rectangle((cx - width / 2, y1 - n * scale, cx + width / 2, y1), fill=OWN if highlight else BAR)
        if n and slot >= 24:
            draw.text((cx, y1 - n * scale - 4), str(n), fill=INK, font=small, anchor="md")
        if slot >= 24 or i % -(-60 // slot) == 0:  # thin the labels so they never overlap
            fitted = fit_label(draw, label, small, max(slot, 60) - 6)
            draw.multiline_text((cx, y1 + 8), fitted, fill=INK, font=small, anchor="ma", align="center", spacing=2)
    draw.line((x0, y1, x1, y1), fill=INK, width=2)


def render_chart(report: dict, font_path: Path | None = None) -> Image.Image:
    font, cjk = load_font(22, font_path)
    small, _ = load_font(15, font_path)
    office = report["office"]
    image = Image.new("RGB", (WIDTH, 90 + 3 * PANEL_H), BG)
    draw = ImageDraw.Draw(image)
    title = _label(f"全城通办 {county_name(office)}", f"City-wide handling, office {office}", cjk)
    draw.text((MARGIN, 20), f"{title}  {report['from']} – {report['to']}", fill=INK, font=font)
    share = f"{report['share_from_other_counties'] * 100:.1f}%"
    summary = _label(
        f"件数 {report['cases']} · 当事人 {report['applicants']} · 外县(区)占比 {share}",
        f"cases {report['cases']} · applicants {report['applicants']} · other counties {share}",
        cjk,
    )
    draw.text((MARGIN, 52), summary, fill=INK, font=small)
    if report["cases"] == 0:
        draw.text(
            (WIDTH / 2, 90 + PANEL_H),
            _label("所选日期内没有数据", "No cases in this date range", cjk),
            fill=INK,
            font=font,
            anchor="mm",
        )
        return image
    counties = [
        (county_name(c, "zh" if cjk else "en") if not c.isdigit() or cjk else c, n, c == office)
        for c, n in report["by_home_county"].items()
    ]
    _panel(draw, 90, _label("当事人户籍地", "Applicants by home county", cjk), counties, font, small)
    businesses = [(business_name(b, "zh") if cjk else b, n, False) for b, n in report["by_business"].items()]
    _panel(draw, 90 + PANEL_H, _label("业务类型", "Cases by business", cjk), businesses, font, small)
    days = [(row["date"][5:], row["cases"], False) for row in report["by_day"]]
    _panel(draw, 90 + 2 * PANEL_H, _label("每日件数", "Cases by day", cjk), days, font, small)
    return image


def export(report: dict, csv_path: Path, png_path: Path, font_path: Path | None = None) -> dict:
    """Write both files; returns their paths and sizes for the screen and the audit log."""
    from kiosk.maintenance.report import to_csv

    csv_path, png_path = Path(csv_path), Path(png_path)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path.write_text(to_csv(report), encoding="utf-8")
    render_chart(report, font_path).save(png_path, optimize=True)
    return {
        "csv": str(csv_path),
        "png": str(png_path),
        "csv_bytes": csv_path.stat().st_size,
        "png_bytes": png_path.stat().st_size,
        "cases": report["cases"],
    }
