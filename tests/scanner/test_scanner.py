"""Scanner: line splitting (pure), the serial driver against the pty simulator, evdev key mapping, the CLIs."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.scanner.codec import LineSplitter
from drivers.scanner.driver import SerialScanner, listen
from drivers.scanner.evdev_wedge import KeyWedgeDecoder
from drivers.scanner.port import Scan, ScannerFault, ScannerRecovered
from drivers.scanner.simulator import ScannerSimulator, factory as sim_factory
from kiosk.domain.appointment_qr import make_appointment_qr
from tests.idcard.conftest import Events

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
QR = make_appointment_qr("441621", "ABCDEFGHIJKLMNOP")


@pytest.mark.parametrize("end", [b"\r", b"\n", b"\r\n"])
def test_terminators(end):
    s = LineSplitter()
    assert s.feed(b"one" + end + b"two" + end, 0) == ["one", "two"]


def test_crlf_split_across_reads_is_one_terminator():
    s = LineSplitter()
    assert s.feed(b"one\r", 0) == ["one"]
    assert s.feed(b"\ntwo\r", 0.01) == ["two"]
    assert s.feed(b"\r\n\n", 0.02) == []


def test_idle_flush_and_runaway_input():
    s = LineSplitter(idle_flush_s=0.1)
    assert s.feed(b"no-terminator", 1.0) == []
    assert s.flush_if_idle(1.05) == []
    assert s.flush_if_idle(1.2) == ["no-terminator"]
    s = LineSplitter(max_len=8)
    assert s.feed(b"0123456789", 0) == ["01234567"]


def test_gb18030_payload():
    assert LineSplitter().feed("紫金县".encode("gb18030") + b"\r", 0) == ["紫金县"]


@given(st.binary(max_size=500), st.integers(1, 30))
def test_any_bytes_split_without_error(data, cut):
    s = LineSplitter()
    out = []
    for i in range(0, len(data), cut):
        out += s.feed(data[i : i + cut], i)
    out += s.flush()
    assert all(p and "\r" not in p and "\n" not in p for p in out)


def test_evdev_key_mapping():
    d = KeyWedgeDecoder()
    keys = [
        ("KEY_LEFTSHIFT", True),
        ("KEY_M", True),
        ("KEY_M", False),
        ("KEY_R", True),
        ("KEY_LEFTSHIFT", False),
        ("KEY_1", True),
        ("KEY_LEFTSHIFT", True),
        ("KEY_SEMICOLON", True),
        ("KEY_LEFTSHIFT", False),
        ("KEY_4", True),
        ("KEY_KPENTER", True),
    ]
    out = [d.key(name, down) for name, down in keys]
    assert out[-1] == "MR1:4" and not any(out[:-1])


def wait_open(scanner, timeout=5):
    deadline = time.monotonic() + timeout
    while scanner._ser is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.02)


@pytest.fixture
def sim(tmp_path):
    s = ScannerSimulator(9600, link_path=str(tmp_path / "scanner"))
    s.start()
    yield s
    s.stop()


def test_driver_reads_scans_with_each_terminator(sim):
    scanner = SerialScanner(sim.path, idle_flush_s=0.1)
    events = Events()
    scanner.start(events)
    try:
        wait_open(scanner)
        sim.scan(QR, "cr")
        sim.scan("https://example.org/b?mr=" + QR, "crlf")
        sim.scan("hello", "lf")
        sim.scan("tail-without-end", "none")
        got = [events.wait_for(Scan).payload for _ in range(4)]
        assert got == [QR, "https://example.org/b?mr=" + QR, "hello", "tail-without-end"]
    finally:
        scanner.stop()


def test_driver_survives_unplug_and_replug(sim):
    scanner = SerialScanner(sim.path, backoff_s=(0.05, 0.2))
    events = Events()
    scanner.start(events)
    try:
        wait_open(scanner)
        sim.vanish()
        events.wait_for(ScannerFault)
        sim.reappear()
        events.wait_for(ScannerRecovered)
        wait_open(scanner)
        sim.scan(QR)
        assert events.wait_for(Scan).payload == QR
    finally:
        scanner.stop()


def test_in_process_sim_adapter():
    scanner = sim_factory("sim://scanner", model_timing=False)
    events = Events()
    scanner.start(events)
    try:
        wait_open(scanner)
        scanner.sim.scan(QR)
        assert events.wait_for(Scan).payload == QR
    finally:
        scanner.stop()


def test_listen_times_out_with_what_it_has(sim):
    payloads, faults = listen(SerialScanner(sim.path), count=2, timeout_s=0.3)
    assert payloads == [] and faults == []


def wait_until_open(pid, tty, timeout=10):
    """Bytes sent before the listener opens the port are flushed by its open: wait until it holds the tty."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == tty for fd in os.listdir(f"/proc/{pid}/fd")):
                time.sleep(0.05)
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise AssertionError("listener never opened the port")


def test_cli_sim_and_diag_listen(tmp_path):
    link = tmp_path / "scanner"
    p = subprocess.Popen(
        [str(BIN / "kiosk-sim"), "scanner", "--link", str(link)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert p.stdout.readline().strip() == str(link)
        d = subprocess.Popen(
            [
                str(BIN / "kiosk-diag"),
                "scanner",
                "listen",
                "--port",
                str(link),
                "--count",
                "4",
                "--timeout",
                "10",
                "--json",
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        wait_until_open(d.pid, os.path.realpath(link))
        p.stdin.write(f"{QR}\nhttps://wx.example/a?mr={QR}\nMR1:441621:garbled\nnot ours\n")
        p.stdin.flush()
        out, _ = d.communicate(timeout=15)
        result = json.loads(out)
        assert d.returncode == 0 and result["ok"]
        assert [s["kind"] for s in result["scans"]] == ["appointment", "replayed", "garbled", "unknown"]
        assert result["scans"][0]["office"] == "441621"
    finally:
        p.stdin.write("!!quit\n")
        p.stdin.flush()
        p.wait(timeout=5)


def test_diag_usage_errors():
    from kiosk.cli import diag

    assert diag.main(["scanner", "listen", "--port", "sim://scanner", "--count", "0"]) == 2
    assert diag.main(["scanner", "listen", "--port", "rtsp://x", "--json"]) == 2
