"""The records export: good rows read, bad rows reported by line and skipped, a wrong file refused."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from office.workload.records import COLUMNS, UnusableInput, read_export

HEADER = ",".join(COLUMNS)
GOOD = "441621,marriage,true,441602,2026-11-26T09:00:00+08:00,2026-11-26T09:05:00+08:00,2026-11-26T09:06:00+08:00,2026-11-26T09:20:00+08:00,W1,done"


def read(*rows, header=HEADER):
    return read_export(io.StringIO("\n".join([header, *rows]) + "\n"))


def test_a_good_row():
    (r,), problems = read(GOOD)
    assert problems == []
    assert (r.office, r.business, r.booked, r.home_counties, r.window, r.outcome) == (
        "441621",
        "marriage",
        True,
        ("441602",),
        "W1",
        "done",
    )
    assert r.day == "2026-11-26" and r.issued.hour == 9


def test_times_in_another_offset_are_read_as_china_time():
    row = GOOD.replace("2026-11-26T09:00:00+08:00", "2026-11-26T01:00:00Z")
    (r,), _ = read(row)
    assert r.issued.hour == 9


def test_never_called_and_no_show():
    never = "441621,archive_query,false,outside_city,2026-11-26T09:00:00+08:00,,,,,no_show"
    called_nobody = "441621,archive_query,false,441625,2026-11-26T09:00:00+08:00,2026-11-26T09:30:00+08:00,,2026-11-26T09:31:00+08:00,W2,no_show"
    records, problems = read(never, called_nobody)
    assert problems == [] and len(records) == 2
    assert records[0].called is None and records[0].home_counties == ("outside_city",)


def test_division_codes_outside_heyuan_count_as_outside_the_city():
    (r,), _ = read(GOOD.replace(",441602,", ",440106,"))
    assert r.home_counties == ("outside_city",)


BAD = [
    (GOOD.replace(",true,", ",yes,"), "booked"),
    (GOOD.replace(",done", ",finished"), "outcome"),
    (GOOD.replace("marriage", "wedding"), "business"),
    (GOOD.replace(",441602,", ",Zijin,"), "home_county"),
    (GOOD.replace(",441602,", ",,"), "home_county"),
    (GOOD.replace("2026-11-26T09:00:00+08:00", "2026-11-26 nine"), "issued_at"),
    (GOOD.replace("2026-11-26T09:00:00+08:00", "2026-11-26T09:00:00"), "offset"),
    (GOOD.replace("2026-11-26T09:05:00+08:00", "2026-11-26T08:05:00+08:00"), "before issued_at"),
    (GOOD.replace("2026-11-26T09:20:00+08:00", "2026-11-26T09:05:30+08:00"), "before served_at"),
    (GOOD.replace(",W1,", ",,"), "window"),
    ("441621,marriage,true,441602,2026-11-26T09:00:00+08:00,,,,,done", "never called"),
    ("441621,marriage,true,441602,2026-11-26T09:00:00+08:00,,2026-11-26T09:06:00+08:00,,,no_show", "never called"),
    (GOOD.replace(",done", ",no_show"), "no_show"),
    (GOOD.replace("2026-11-26T09:20:00+08:00", ""), "ended_at"),
    (GOOD + ",extra", "fields"),
    ("441621,marriage", "fields"),
    (GOOD.replace("2026-11-26T09:20:00+08:00", "2026-11-27T09:20:00+08:00"), "hours after"),
]


@pytest.mark.parametrize("row,word", BAD)
def test_a_bad_row_is_reported_by_line_and_skipped(row, word):
    records, problems = read(GOOD, row, GOOD)
    assert len(records) == 2
    assert len(problems) == 1
    assert problems[0].startswith("line 3: ")
    assert word in problems[0]


def test_line_numbers_count_quoted_line_breaks():
    quoted = '441621,"marri\nage",true,441602,2026-11-26T09:00:00+08:00,,,,,no_show'
    _, problems = read(GOOD, quoted, "oops", GOOD)
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 5"]


def test_blank_lines_are_not_rows():
    records, problems = read(GOOD, "", GOOD)
    assert len(records) == 2 and problems == []


@pytest.mark.parametrize(
    "header,word",
    [
        (HEADER.replace("window", "counter"), "missing: window"),
        (HEADER + ",note", "unexpected: note"),
        ("", "exactly the columns"),
    ],
)
def test_a_file_that_is_not_the_export_is_unusable(header, word):
    with pytest.raises(UnusableInput, match=word):
        read(GOOD, header=header)


def test_columns_in_another_order_and_a_bom_are_fine():
    cols = list(COLUMNS)
    values = GOOD.split(",")
    order = list(reversed(range(len(cols))))
    text = "\ufeff" + ",".join(cols[i] for i in order) + "\n" + ",".join(values[i] for i in order) + "\n"
    records, problems = read_export(io.StringIO(text))
    assert problems == [] and records[0].business == "marriage"


def test_an_empty_file_is_unusable():
    with pytest.raises(UnusableInput, match="empty"):
        read_export(io.StringIO(""))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=8))
def test_any_text_gives_records_problems_or_unusable_never_a_crash(lines):
    try:
        records, problems = read_export(io.StringIO("\n".join([HEADER, *lines])))
    except UnusableInput:
        return
    assert len(records) + len(problems) <= len(lines) + sum(line.count("\n") for line in lines) + 1
