import logging
import socket
import urllib.request
from datetime import date

import pytest

from kiosk.flow import events as ev
from kiosk.flow import effects as fx
from kiosk.maintenance.counters import DailyCounters
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.metrics import KioskCollector, MetricsUnavailable, parse_bind, start_metrics, start_or_log


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read().decode()


@pytest.fixture
def collector():
    board = DeviceBoard()
    counters = DailyCounters(lambda: date(2026, 11, 26))
    for item in (
        fx.IssueTicket("marriage", "A-1", ("x",)),
        ev.TicketIssued({"number": "A001"}),
        fx.SessionEnded("redirect", "reissue_certificate", "redirect", ("hukou_office_only",), ()),
        ev.DeviceFault("idcard", "timeout"),
        ev.PrinterReport(False, "paper_out"),
        ev.BackendUp(),
    ):
        counters.observe(item)
        board.observe(item)
    board.camera_fps(15)
    board.face_rate(8)
    board.backend_latency({"p50_ms": 20.0, "p99_ms": 150.0})
    board.journal_backlog(4, parked=2)
    return KioskCollector("k-01", "441621", board, counters, logged_in=lambda: False, version="0.1.0")


def test_metric_names_on_a_real_endpoint(collector):
    server = start_metrics("127.0.0.1:0", collector)
    try:
        text = scrape(server.url)
    finally:
        server.stop()
    from prometheus_client.parser import text_string_to_metric_families

    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = dict(sample.labels)
            assert labels.pop("kiosk") == "k-01" and labels.pop("office") == "441621"
            samples[(sample.name, tuple(sorted(labels.items())))] = sample.value
    expected = {
        ("kiosk_device_up", (("device", "idcard"),)): 0,
        ("kiosk_device_up", (("device", "backend"),)): 1,
        ("kiosk_device_faults_total", (("device", "idcard"),)): 1,
        ("kiosk_printer_paper_state", (("state", "out"),)): 1,
        ("kiosk_printer_paper_state", (("state", "ok"),)): 0,
        ("kiosk_tickets_total", (("business", "marriage"),)): 1,
        ("kiosk_checkins_total", (("business", "marriage"),)): 1,
        ("kiosk_redirects_total", (("business", "reissue_certificate"),)): 1,
        ("kiosk_sessions_total", (("outcome", "redirect"),)): 1,
        ("kiosk_tickets_today", (("business", "marriage"),)): 1,
        ("kiosk_journal_backlog", ()): 4,
        ("kiosk_journal_parked", ()): 2,
        ("kiosk_camera_fps", ()): 15,
        ("kiosk_face_pipeline_fps", ()): 8,
        ("kiosk_backend_latency_seconds", (("quantile", "0.99"),)): 0.15,
        ("kiosk_backend_up", ()): 1,
        ("kiosk_maintenance_logged_in", ()): 0,
        ("kiosk_info", (("version", "0.1.0"),)): 1,
        ("kiosk_paper_tickets_left_estimate", ()): 727,
    }
    for key, value in expected.items():
        assert samples.get(key) == pytest.approx(value), key
    # A device never heard from has no up/down sample (absent, not a false 0).
    assert ("kiosk_device_up", (("device", "scanner"),)) not in samples
    names = {name for name, _ in samples}
    from kiosk.maintenance.metrics import METRIC_NAMES

    assert {n.removesuffix("_total") for n in names} <= {n.removesuffix("_total") for n in METRIC_NAMES}
    assert "# TYPE kiosk_tickets_total counter" in text


def test_port_in_use_is_a_defined_error(collector, caplog):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    bind = f"127.0.0.1:{busy.getsockname()[1]}"
    try:
        with pytest.raises(MetricsUnavailable, match="cannot serve metrics"):
            start_metrics(bind, collector)
        with caplog.at_level(logging.ERROR, logger="kiosk.metrics"):
            assert start_or_log(bind, collector) is None
        assert any(getattr(r, "event", "") == "metrics_bind_failed" for r in caplog.records)
    finally:
        busy.close()


@pytest.mark.parametrize(
    "bind,expected",
    [
        ("127.0.0.1:9108", ("127.0.0.1", 9108)),
        ("[::1]:9108", ("::1", 9108)),
        (":9108", ("0.0.0.0", 9108)),
        ("localhost:1", ("localhost", 1)),
    ],
)
def test_parse_bind(bind, expected):
    assert parse_bind(bind) == expected


@pytest.mark.parametrize("bind", ["", "9108", "127.0.0.1", "127.0.0.1:99999", "a b:1", "[::1:9108"])
def test_bad_bind(bind, collector):
    with pytest.raises(MetricsUnavailable):
        parse_bind(bind)
    assert start_or_log(bind, collector) is None


def test_the_clock_on_the_device_page_and_in_the_metrics():
    from kiosk.maintenance.devices import DeviceBoard
    from kiosk.maintenance.metrics import KioskCollector
    from kiosk.maintenance.presenters import device_rows

    board = DeviceBoard()
    board.clock_status({"synchronised": "unknown", "source": "", "offset_s": None, "adjusting": False})
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "en")}
    assert rows["Clock"]["status"] == "unknown" and rows["Synchronised (NTP)"]["value"] == "Unknown"
    board.clock_status({"synchronised": "yes", "source": "chronyc", "offset_s": -600.5, "adjusting": True})
    rows = {r["label"]: r for r in device_rows(board.snapshot(), "en")}
    assert rows["Clock"]["status"] == "fault" and "clock is off" in rows["Clock"]["value"]
    assert rows["Against the office server's clock"]["value"] == "600 s fast"
    assert rows["Stamps use the office server's time"]["status"] == "warn"
    assert "快 600 秒" in [r["value"] for r in device_rows(board.snapshot(), "zh")]
    samples = {
        (s.name, tuple(sorted((k, v) for k, v in s.labels.items() if k not in ("kiosk", "office")))): s.value
        for family in KioskCollector("k1", "441621", board).collect()
        for s in family.samples
    }
    assert samples[("kiosk_clock_synchronised", (("state", "yes"),))] == 1
    assert samples[("kiosk_clock_synchronised", (("state", "unknown"),))] == 0
    assert samples[("kiosk_clock_offset_seconds", ())] == -600.5 and samples[("kiosk_clock_adjusted", ())] == 1
    board.clock_status({"synchronised": "yes", "source": "timedatectl", "offset_s": 1.5, "adjusting": False})
    assert board.snapshot()["clock"]["up"] is True


def test_metrics_never_served_in_clear_beyond_loopback(collector):
    from kiosk.config import load_kiosk_config

    assert load_kiosk_config().maintenance.metrics_bind.startswith("127.0.0.1:")
    for bind in ("0.0.0.0:0", ":0", "[::]:0"):
        with pytest.raises(MetricsUnavailable, match="not loopback"):
            start_metrics(bind, collector)


def test_metrics_over_tls_require_the_scrapers_certificate(collector, tmp_path):
    import ssl
    import urllib.request

    from kiosk.maintenance.metrics import MetricsTls
    from office import pki

    pki.init(tmp_path)  # any CA will do: here the office tool makes one
    pki.issue(tmp_path, "bureau", "prometheus", "all")
    tls = MetricsTls(str(tmp_path / "server.crt"), str(tmp_path / "server.key"), str(tmp_path / "ca.crt"))
    server = start_metrics("127.0.0.1:0", collector, tls)
    try:
        assert server.url.startswith("https://")
        url = f"https://localhost:{server.port}/metrics"
        anonymous = ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))
        with pytest.raises((ssl.SSLError, OSError)):
            urllib.request.urlopen(url, context=anonymous, timeout=60).read()
        scraper = ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))
        scraper.load_cert_chain(str(tmp_path / "bureaus/prometheus.crt"), str(tmp_path / "bureaus/prometheus.key"))
        assert b"kiosk_info" in urllib.request.urlopen(url, context=scraper, timeout=60).read()
    finally:
        server.stop()


def test_keys_in_plain_files_are_a_fault_on_the_device_page_and_in_the_metrics(collector):
    from kiosk.maintenance.presenters import device_rows

    collector.board.secrets_status({"journal_key": "plain", "tls_key": "sealed"})
    server = start_metrics("127.0.0.1:0", collector)
    try:
        text = scrape(server.url)
    finally:
        server.stop()
    assert 'kiosk_secret_sealed{kiosk="k-01",office="441621",secret="journal_key"} 0.0' in text
    assert 'kiosk_secret_sealed{kiosk="k-01",office="441621",secret="tls_key"} 1.0' in text
    assert 'kiosk_device_up{device="secrets",kiosk="k-01",office="441621"} 0.0' in text
    rows = device_rows(collector.board.snapshot(), "en")
    heading = next(r for r in rows if r["label"] == "Keys at rest")
    assert heading["status"] == "fault" and "PLAIN FILES" in heading["value"]
    assert {"label": "Journal key", "value": "plain file", "status": "fault"} in rows
    collector.board.secrets_status({"journal_key": "sealed", "tls_key": "sealed"})
    rows = device_rows(collector.board.snapshot(), "zh")
    assert next(r for r in rows if r["label"] == "密钥保护")["status"] == "ok"
