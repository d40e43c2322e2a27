"""The 全城通办 report: computed here from records and fetched from a real office server on loopback, seeded
with the same cases, must give the same figures; CSV and PNG export; bad ranges and empty ranges."""

import csv
import io
import random
import socket
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image

from kiosk.maintenance import report as rep
from kiosk.maintenance.chart import export, render_chart

OFFICE = "441621"
PLACES = ["441621", "441621", "441622", "441602", "441625", "outside_city", "unknown"]
BUSINESS = ["marriage", "marriage", "divorce_application", "divorce_certificate", "reissue_certificate"]


def seeded_records(n=60, seed=8):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parties = 1 if rng.random() < 0.2 else 2
        out.append(
            {
                "day": date(2026, 11, rng.randint(20, 26)).isoformat(),
                "business": rng.choice(BUSINESS),
                "home_counties": [rng.choice(PLACES) for _ in range(parties)],
            }
        )
    return out


def test_known_figures():
    records = [
        {"day": "2026-11-25", "business": "marriage", "home_counties": ["441621", "441622"]},
        {"day": "2026-11-25", "business": "marriage", "home_counties": ["441622", "outside_city"]},
        {"day": "2026-11-26", "business": "divorce_application", "home_counties": ["441621", "441621"]},
        {"day": "2026-11-27", "business": "marriage", "home_counties": ["441602"]},
    ]  # outside the range
    r = rep.compute(records, OFFICE, "2026-11-25", "2026-11-26")
    assert (r["cases"], r["applicants"], r["from_other_counties"], r["cross_county_cases"]) == (3, 6, 2, 1)
    assert r["share_from_other_counties"] == round(2 / 6, 4)
    assert r["by_business"]["marriage"] == 2 and r["by_business"]["divorce_application"] == 1
    assert r["by_home_county"]["441621"] == 3 and r["by_home_county"]["outside_city"] == 1
    assert [d["cases"] for d in r["by_day"]] == [2, 1]


def test_reversed_and_bad_ranges():
    for start, end in (
        ("2026-11-26", "2026-11-01"),
        ("2026-13-01", "2026-11-01"),
        ("", "x"),
        ("2025-01-01", "2026-11-26"),
    ):
        with pytest.raises(rep.ReportRangeError):
            rep.compute([], OFFICE, start, end)


def test_no_data_gives_zeros_and_still_exports(tmp_path):
    r = rep.compute([], OFFICE, "2026-11-01", "2026-11-03")
    assert rep.is_empty(r) and r["share_from_other_counties"] == 0.0 and len(r["by_day"]) == 3
    files = export(r, tmp_path / "r.csv", tmp_path / "r.png")
    assert files["cases"] == 0 and Image.open(tmp_path / "r.png").size[0] == 1200


def test_csv_and_png(tmp_path):
    r = rep.compute(seeded_records(), OFFICE, "2026-11-20", "2026-11-26")
    files = export(r, tmp_path / "out" / "r.csv", tmp_path / "out" / "r.png")
    raw = (tmp_path / "out" / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets open it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["section", "key", "name", "value"]
    as_dict = {(s, k, n): v for s, k, n, v in rows[1:]}
    assert as_dict[("summary", "cases", "办理件数")] == str(r["cases"])
    assert as_dict[("by_home_county", "441622", "龙川县")] == str(r["by_home_county"]["441622"])
    assert as_dict[("by_day", "2026-11-20", "cases")] == str(r["by_day"][0]["cases"])
    img = Image.open(files["png"])
    assert img.format == "PNG" and img.size == (1200, 1080)
    # Bars were drawn: the own-county colour appears.
    assert (214, 96, 77) in {c for _, c in img.convert("RGB").getcolors(1 << 20)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_business_label_fits_its_bar(lang):
    from PIL import ImageDraw

    from kiosk.domain.business import BUSINESSES
    from kiosk.maintenance.chart import WIDTH, MARGIN, fit_label, load_font
    from kiosk.maintenance.report import business_name

    font, _ = load_font(15)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    slot = (WIDTH - 2 * MARGIN - 50) / len(BUSINESSES) - 6
    for b in BUSINESSES:
        name = business_name(b, lang)
        lines = fit_label(draw, name, font, slot).split("\n")
        assert len(lines) <= 2 and all(draw.textlength(line, font=font) <= slot for line in lines), name
        assert "".join(lines).replace(" ", "").rstrip("…") in name.replace(" ", "")


def test_chart_without_cjk_font_falls_back(tmp_path):
    r = rep.compute(seeded_records(10), OFFICE, "2026-11-20", "2026-11-26")
    img = render_chart(r, font_path=tmp_path / "missing.otf")
    assert img.size == (1200, 1080)


# -- against the real office server -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def running_office(office_host, tmp_path_factory):
    from bench.rigs.clock import ManualClock

    db = tmp_path_factory.mktemp("office") / "office.db"
    with office_host.serving(db, ManualClock(datetime(2026, 11, 26, 10, 0)), seed=None) as server:
        with server.backend.store.write() as conn:
            for i, r in enumerate(seeded_records()):
                cur = conn.execute(
                    "INSERT INTO cases (office, day, business, source, ref) VALUES (?,?,?,?,?)",
                    (OFFICE, r["day"], r["business"], "appointment", f"seed-{i}"),
                )
                conn.executemany(
                    "INSERT INTO case_applicants (case_id, home_county) VALUES (?,?)",
                    [(cur.lastrowid, c) for c in r["home_counties"]],
                )
            # Another office's case must not leak into ours.
            conn.execute(
                "INSERT INTO cases (office, day, business, source, ref) VALUES (?,?,?,?,?)",
                ("441622", "2026-11-22", "marriage", "appointment", "other-1"),
            )
        yield server


@pytest.fixture(scope="module")
def office_server(running_office):
    return running_office.url


def _tls(server):
    ca, cert, key = server.client_files("kiosk", "test-kiosk", OFFICE)
    return {"ca_file": ca, "client_cert": cert, "client_key": key}


@pytest.fixture
def client(running_office):
    from kiosk.services.office_client import OfficeClient

    c = OfficeClient(running_office.url, kiosk_id="test-kiosk", retries=0, **_tls(running_office))
    yield c
    c.close()


def test_office_figures_match_local_computation(client):
    fetched = rep.fetch(client, OFFICE, "2026-11-20", "2026-11-26")
    computed = rep.compute(seeded_records(), OFFICE, "2026-11-20", "2026-11-26")
    assert fetched == computed
    assert fetched["cases"] == 60


def test_office_reversed_range_and_empty_range(client):
    with pytest.raises(rep.ReportRangeError):
        rep.fetch(client, OFFICE, "2026-11-26", "2026-11-20")
    empty = rep.fetch(client, OFFICE, "2026-10-01", "2026-10-07")
    assert rep.is_empty(empty) and empty["days"] == 7


def test_office_unreachable_is_report_unavailable():
    from kiosk.services.office_client import OfficeClient

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(rep.ReportUnavailable):
        rep.fetch(
            OfficeClient(f"http://127.0.0.1:{port}", kiosk_id="k", retries=0, connect_timeout_s=0.5),
            OFFICE,
            "2026-11-20",
            "2026-11-26",
        )


def run_report_cli(argv, capsys):
    from kiosk.cli.common import run_verb_table

    code = run_verb_table("kiosk-diag", "", {"report": "kiosk.cli.diag_report"}, ["report", *argv])
    return code, capsys.readouterr()


def test_report_cli(running_office, tmp_path, capsys):
    import json

    office_server = running_office.url
    tls = [f"--{k.replace('_', '-')}={v}" for k, v in _tls(running_office).items()]
    code, out = run_report_cli(
        [
            "--from",
            "2026-11-20",
            "--to",
            "2026-11-26",
            "--office",
            OFFICE,
            "--url",
            office_server,
            "--out",
            str(tmp_path),
            "--json",
            *tls,
        ],
        capsys,
    )
    assert code == 0, out.err
    body = json.loads(out.out)
    assert body["report"]["cases"] == 60 and Path(body["files"]["png"]).exists()
    code, out = run_report_cli(
        ["--from", "2026-11-26", "--to", "2026-11-20", "--office", OFFICE, "--url", office_server, *tls], capsys
    )
    assert code == 2 and "after" in out.err
