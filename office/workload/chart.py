"""A small inline SVG per office for the bureau page: measured load against capacity by weekday and half-day,
and where the applicants came from. Numbers in, SVG text out (escaped); no drawing library."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 620, 210, 18, 40, 34
LOAD, CAPACITY = "#4a6fa5", "#9cc59a"
DAY_NAMES = {"mon": "一", "tue": "二", "wed": "三", "thu": "四", "fri": "五"}


def load_of(item: dict) -> float:
    """Applicants per half-day as measured: booked plus walk-ins."""
    return float(item.get("booked_per_day", 0.0)) + float(item["expected_walk_ins"])


def capacity_of(item: dict) -> float:
    """Applicants the half-day can take at the service level: the walk-ins usually seen plus the quota."""
    return float(item["expected_walk_ins"]) + float(item["booking_quota"])


def load_chart(advice: list[dict], title: str) -> str:
    """Bars per half-day: measured load (blue) and capacity at the service level (green)."""
    top = max([1.0] + [max(load_of(a), capacity_of(a)) for a in advice])
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - 10) / max(len(advice), 1)
    bar = slot * 0.36
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" class="load-chart"><title>{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - 10}" y2="{HEIGHT - BOTTOM}" stroke="#555"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" font-size="11" text-anchor="end">{top:.0f}</text>',
    ]
    for i, a in enumerate(advice):
        x = LEFT + i * slot + slot * 0.12
        for k, (value, colour, kind) in enumerate(((load_of(a), LOAD, "load"), (capacity_of(a), CAPACITY, "capacity"))):
            h = plot_h * value / top
            parts.append(
                f'<rect class="{kind}" data-cell="{a["weekday"]}-{a["half_day"]}" data-value="{value:.1f}" '
                f'x="{x + k * bar:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(kind)} {value:.1f}</title></rect>'
            )
        label = f"周{DAY_NAMES.get(a['weekday'], a['weekday'])}{'上午' if a['half_day'] == 'am' else '下午'}"
        parts.append(
            f'<text x="{x + bar:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="11" text-anchor="middle">'
            f"{escape(label)}</text>"
            f'<text x="{x + bar:.1f}" y="{HEIGHT - BOTTOM + 27}" font-size="10" text-anchor="middle" fill="#555">'
            f"{escape(a['weekday'])} {escape(a['half_day'])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def origin_bar(cross_county: float, outside_city: float) -> str:
    """One bar split into this county, other Heyuan counties and outside the city."""
    width = 300
    local = max(0.0, 1.0 - cross_county - outside_city)
    x = 0.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="18" class="origin-bar">']
    for share, colour, kind in (
        (local, "#cfd8e3", "local"),
        (cross_county, "#e0a030", "cross-county"),
        (outside_city, "#b05050", "outside-city"),
    ):
        w = width * share
        parts.append(
            f'<rect class="{kind}" data-share="{share:.4f}" x="{x:.1f}" y="0" width="{w:.1f}" height="18" '
            f'fill="{colour}"><title>{kind} {share:.1%}</title></rect>'
        )
        x += w
    parts.append("</svg>")
    return "".join(parts)
