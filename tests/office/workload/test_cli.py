"""`kiosk-office-server advise` as an outside caller runs it: the JSON contract, bad rows, refusals, exit codes."""

import json
import subprocess
import sys

import pytest

from office.workload.records import COLUMNS
from tests.office.workload.helpers import KNOWN, export_text, variant

ADVICE_KEYS = {
    "weekday",
    "half_day",
    "windows",
    "expected_walk_ins",
    "service_min_median",
    "booking_quota",
    "predicted_service_level",
    "predicted_wait_p90_min",
}


def advise(*args):
    return subprocess.run(
        [sys.executable, "-m", "office", "advise", *map(str, args)], capture_output=True, text=True, timeout=240
    )


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """Two offices: one with 12 working days, one with 6 (refused)."""
    path = tmp_path_factory.mktemp("records") / "records.csv"
    rich = export_text([KNOWN], days=12)
    short = export_text([variant(office="441623")], days=6).split("\n", 1)[1]
    path.write_text(rich + short, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result(export):
    done = advise("--records", export, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_json_contract(result):
    offices = {o["office"]: o for o in result["offices"]}
    assert set(offices) == {"441621", "441623"}
    o = offices["441621"]
    assert o["working_days"] == 12
    assert isinstance(o["tickets"], int) and o["tickets"] > 100
    assert 0 <= o["cross_county_share"] <= 1 and 0 <= o["outside_city_share"] <= 1
    assert len(o["advice"]) == 10
    assert [(a["weekday"], a["half_day"]) for a in o["advice"]] == [
        (d, h) for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")
    ]
    for a in o["advice"]:
        assert ADVICE_KEYS <= set(a)
        assert a["windows"] == 3 and isinstance(a["booking_quota"], int)
        assert a["predicted_service_level"] >= 0.9
        assert a["predicted_wait_p90_min"] >= 0


def test_the_workload_figures_recover_the_known_history(result):
    o = next(o for o in result["offices"] if o["office"] == "441621")
    marriage = o["figures"]["by_business"]["marriage"]
    assert abs(marriage["service_min_median"] - 12.0) <= 1.0  # the history's service: median 12, p90 18
    assert abs(marriage["service_min_p90"] - 18.0) <= 2.0
    assert o["figures"]["booked"] + o["figures"]["walk_ins"] == o["tickets"]
    assert abs(o["cross_county_share"] - 0.18) < 0.04 and abs(o["outside_city_share"] - 0.06) < 0.03
    am = [a for a in o["advice"] if a["half_day"] == "am"]
    assert abs(sum(a["expected_walk_ins"] for a in am) / len(am) - 6.0) < 1.5
    assert abs(sum(a["booked_per_day"] for a in am) / len(am) - 20.0) < 3.0


def test_too_few_days_refuse_that_office_only(result):
    short = next(o for o in result["offices"] if o["office"] == "441623")
    assert "advice" not in short
    assert "6 working day" in short["refused"]


def test_the_service_level_and_wait_options_move_the_quota(export):
    strict = json.loads(
        advise(
            "--records", export, "--json", "--service-level", "0.97", "--wait-min", "10", "--office", "441621"
        ).stdout
    )
    loose = json.loads(advise("--records", export, "--json", "--wait-min", "30", "--office", "441621").stdout)
    q = lambda r: sum(a["booking_quota"] for a in r["offices"][0]["advice"])  # noqa: E731
    assert q(strict) < q(loose)


def test_bad_rows_are_reported_by_line_on_stderr_and_not_counted(export, result, tmp_path):
    lines = export.read_text(encoding="utf-8").splitlines()
    lines.insert(5, lines[5].replace(",true,", ",maybe,").replace(",false,", ",maybe,"))
    lines.insert(9, "441621,marriage,true")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = advise("--records", bad, "--json")
    assert done.returncode == 0
    assert "line 6: booked 'maybe'" in done.stderr
    assert "line 10: 3 fields" in done.stderr
    assert "2 bad row(s) skipped" in done.stderr
    again = json.loads(done.stdout)
    assert again["rows_skipped"] == 2
    assert [o["tickets"] for o in again["offices"]] == [o["tickets"] for o in result["offices"]]


@pytest.mark.parametrize(
    "content,word",
    [
        (None, "no such file"),
        ("office,business\n1,2\n", "exactly the columns"),
        (",".join(COLUMNS) + "\n", "no usable rows"),
        (",".join(COLUMNS) + "\n441621,marriage,true\n", "no usable rows"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_unusable_input_exits_2_with_a_message(tmp_path, content, word):
    path = tmp_path / "records.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    done = advise("--records", path, "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert word in done.stderr


@pytest.mark.parametrize("args", [("--service-level", "1.5"), ("--wait-min", "0"), ("--service-level", "x")])
def test_bad_options_exit_2(export, args):
    done = advise("--records", export, "--json", *args)
    assert done.returncode == 2 and done.stderr


def test_the_text_report(export):
    done = advise("--records", export, "--office", "441621")
    assert done.returncode == 0
    assert "office 441621: 12 working days" in done.stdout
    assert "mon  am" in done.stdout


def test_history_writes_an_export_that_advise_reads(tmp_path):
    out = tmp_path / "h.csv"
    made = subprocess.run(
        [sys.executable, "-m", "office", "history", "--out", out, "--days", "3", "--end", "2026-11-27"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    done = advise("--records", out, "--json")
    offices = json.loads(done.stdout)["offices"]
    assert len(offices) == 6 and all("3 working day" in o["refused"] for o in offices)
