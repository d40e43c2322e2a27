import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as s

from escpos.constants import QR_ECLEVEL_M

from drivers.printer import status as st
from drivers.printer.escpos_job import EscposJob, command

REPO = Path(__file__).resolve().parents[2]


def job_bytes(build, paper_mm=80):
    job = EscposJob(paper_mm)
    build(job)
    return job.output


def test_python_escpos_composes_the_ticket_commands():
    """The methods render.py uses, and the exact bytes they give (the simulator's interpreter reads these)."""
    assert job_bytes(lambda p: p.hw("INIT")) == b"\x1b@"
    assert job_bytes(lambda p: p.set(custom_size=True, width=6, height=6)) == b"\x1d!\x55"
    assert job_bytes(lambda p: p.set(bold=True)) == b"\x1bE\x01"
    assert job_bytes(lambda p: p.set(align="center")) == b"\x1ba\x01"
    assert job_bytes(lambda p: p.textln("Office 9")) == b"Office 9\n"  # no code page command
    assert job_bytes(lambda p: p.print_and_feed(3)) == b"\x1bd\x03"
    assert job_bytes(lambda p: p.cut(mode="PART", feed=False)) == b"\x1dVB\x00"
    assert job_bytes(lambda p: p.qr("AB", ec=QR_ECLEVEL_M, size=6, native=True)) == bytes.fromhex(
        "1d286b0400314132 001d286b03003143061d286b03003145311d286b0500315030 41421d286b0300315130".replace(" ", "")
    )


def test_what_python_escpos_lacks():
    assert job_bytes(lambda p: p.chinese_line("，。")) == b"\x1c&" + "，。".encode("gb18030") + b"\x1c.\n"
    assert [command("realtime_status", n) for n in (1, 2, 3, 4)] == [b"\x10\x04" + bytes((n,)) for n in (1, 2, 3, 4)]
    assert command("paper_sensor_status") == b"\x1dr\x01"
    assert command("recover", True) == b"\x10\x05\x02" and command("recover", False) == b"\x10\x05\x01"
    with pytest.raises(ValueError):
        command("realtime_status", 5)


def test_raster_images_go_in_bands_of_255_rows():
    from PIL import Image

    img = Image.new("1", (576, 300), 0)
    data = job_bytes(lambda p: p.image(img, impl="bitImageRaster", fragment_height=255))
    assert data[:8] == bytes((0x1D, 0x76, 0x30, 0, 72, 0, 255, 0))
    second = 8 + 72 * 255
    assert data[second : second + 8] == bytes((0x1D, 0x76, 0x30, 0, 72, 0, 45, 0))
    assert len(data) == 16 + 72 * 300 and data[8 : 8 + 72] == b"\xff" * 72  # 1 = ink


@pytest.mark.parametrize("b4,state", [(0x12, "ok"), (0x1E, "near_end"), (0x72, "paper_out"), (0x7E, "paper_out")])
def test_paper_status_bytes(b4, state):
    assert st.decode({1: 0x12, 2: 0x12, 3: 0x12, 4: b4}).state == state


@pytest.mark.parametrize(
    "answers,state",
    [
        ({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}, "cover_open"),
        ({1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12}, "offline"),
        ({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}, "cutter_error"),
        ({1: 0x1A, 2: 0x52, 3: 0x32, 4: 0x12}, "error"),
        ({1: None}, "not_responding"),
        ({1: 0x12, 2: None}, "not_responding"),
        ({1: 0xFF, 2: 0x12, 3: 0x12, 4: 0x12}, "garbage"),
        ({1: 0x00, 2: 0x00, 3: 0x00, 4: 0x00}, "garbage"),
    ],
)
def test_decode(answers, state):
    decoded = st.decode(answers)
    assert decoded.state == state
    assert not decoded.clean


FLAGS = [
    "offline",
    "cover_open",
    "feed_button",
    "paper_out",
    "error",
    "cutter_error",
    "unrecoverable_error",
    "autorecoverable_error",
    "near_end",
]


@given(s.fixed_dictionaries({f: s.booleans() for f in FLAGS}))
def test_encode_decode_round_trip(flags):
    answers = {n: st.encode(n, **flags) for n in (1, 2, 3, 4)}
    assert all(st.valid(b) for b in answers.values())
    d = st.decode(answers)
    assert d.online == (not flags["offline"])
    for f in FLAGS[1:]:
        assert getattr(d, f) == flags[f], f
    assert d.clean == (not any(flags[f] for f in FLAGS if f != "near_end"))
    assert d.maintenance_alert == (flags["near_end"] and True)


@given(s.dictionaries(s.sampled_from([1, 2, 3, 4]), s.one_of(s.none(), s.integers(0, 255))))
def test_decode_never_raises(answers):
    assert st.decode(answers).state in (
        "ok",
        "near_end",
        "paper_out",
        "cover_open",
        "offline",
        "error",
        "cutter_error",
        "garbage",
        "not_responding",
    )


def test_python_escpos_database_is_cached_in_the_users_cache(tmp_path, monkeypatch):
    from drivers.printer import escpos_cache

    monkeypatch.delenv(escpos_cache.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    escpos_cache.prepare()
    where = Path(escpos_cache.os.environ[escpos_cache.ENV])
    assert where.parent == tmp_path / "heyuan-kiosk" / "escpos"  # one directory per installed python-escpos
    assert [p.name for p in where.iterdir()] == [f"{platform.python_version()}.capabilities.pickle"]

    # A directory inherited from another installation (a test run starting an installed release) is not used:
    # that installation's capabilities file is newer than the pickle there, so python-escpos would rewrite it.
    monkeypatch.setenv(escpos_cache.ENV, str(tmp_path / "another-installation"))
    escpos_cache.prepare()
    assert Path(escpos_cache.os.environ[escpos_cache.ENV]) == where
    pickle_file = next(where.iterdir())
    assert pickle_file.stat().st_mtime >= escpos_cache.capabilities_file().stat().st_mtime

    monkeypatch.delenv(escpos_cache.ENV)
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # not a directory: left to python-escpos
    escpos_cache.prepare()
    assert escpos_cache.ENV not in escpos_cache.os.environ


def test_processes_starting_together_with_an_empty_cache_all_load_the_printer_database(tmp_path):
    """python-escpos truncates its pickle before a second of parsing; a kiosk starting in that second died."""
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    code = "from drivers.printer.escpos_job import EscposJob; EscposJob(80)"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, errors
