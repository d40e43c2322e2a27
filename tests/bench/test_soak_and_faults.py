"""The fault suite (quick) and a short soak run end to end: nothing lost, nothing applied twice, no unhandled
exception. The full runs (`python -m bench.faults`, `python -m bench.soak`) report the figures."""

import pytest

pytestmark = pytest.mark.slow


def test_fault_suite_quick():
    from bench.faults import run

    r = run(quick=True)
    assert r["section_errors"] == []
    assert r["all_recovered"], {
        k: v for k, v in r["faults"].items() if v.get("recovered") != v.get("episodes", v.get("injected"))
    }
    for key in (
        "checkins_lost",
        "checkins_duplicated",
        "tickets_lost",
        "tickets_duplicated",
        "checkins_unexpected",
        "tickets_unexpected",
        "wrong_reads",
        "printer_counted_as_issued_wrongly",
        "printer_stale_prints",
    ):
        assert r[key] == 0, key
    assert r["crash_keys_applied_exactly_once"] == r["crash_keys_acked"] > 0
    assert r["crash_journal_intact"] == r["kills"]


def test_soak_short(tmp_path):
    from bench.soak import soak

    r = soak(50, seed=5, work=tmp_path, sample_every=25)
    assert r["failed_journeys"] == 0, r["failures"]
    assert r["unhandled_exceptions"] == 0, r["exception_samples"]
    for key in (
        "checkins_lost",
        "checkins_duplicated",
        "checkins_unexpected",
        "tickets_lost",
        "tickets_duplicated",
        "tickets_unexpected",
        "journal_backlog",
    ):
        assert r[key] == 0, key
    assert r["checkins"] > 0 and r["tickets"] > 0
    assert len(r["samples"]) == 2
