"""bench.year over New Year 2025/2026: closed on the holidays (元旦 1–3 January), open on the adjusted working
Sunday (4 January, 调休), the 2026 calendar taking over, the retention job run every day, nothing lost."""

from datetime import date

import pytest


@pytest.mark.slow
def test_a_week_across_new_year(tmp_path):
    from bench.year import year

    r = year(7, date(2025, 12, 29), work=tmp_path)
    assert (r["open_days"], r["closed_days"]) == (4, 3)  # 12-29..12-31 and the Sunday 2026-01-04
    assert r["failures"] == [] and r["unhandled_exceptions"] == 0, r["exception_samples"]
    assert r["lost_or_duplicated"] == 0 and r["journal_backlog"] == 0
    assert r["tickets"] == 4 * 5 and r["checkins"] == 4 * 3
    assert [m["month"] for m in r["months"]] == ["2025-12", "2026-01"]
    assert "2026: holidays per 国办发明电〔2025〕7号" in r["months"][-1]["calendar"]
    assert all(m["journal_entries"] > 0 and m["server_db_kb"] > 0 for m in r["months"])
