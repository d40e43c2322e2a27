import pytest
from hypothesis import given
from hypothesis import strategies as s

from drivers.printer import commands as cmd
from drivers.printer import status as st


def test_qr_native_bytes():
    assert cmd.qr_native("AB", 6, "M") == bytes.fromhex(
        "1d286b0400314132 00"
        "1d286b0300314306"
        "1d286b0300314531"
        "1d286b0500315030 4142"
        "1d286b0300315130".replace(" ", ""))


def test_simple_commands():
    assert cmd.initialise() == b"\x1b@"
    assert cmd.char_size(6, 6) == b"\x1d!\x55"
    assert cmd.chinese_on() == b"\x1c&" and cmd.chinese_off() == b"\x1c."
    assert cmd.cut(True, 96) == b"\x1dVB\x60"
    assert cmd.paper_sensor_query() == b"\x1dr\x01"
    with pytest.raises(ValueError):
        cmd.char_size(9, 1)


def test_raster_is_banded():
    data = cmd.raster(bytes(72 * 300), 72, 300)
    assert data[:8] == bytes((0x1D, 0x76, 0x30, 0, 72, 0, 255, 0))
    second = 8 + 72 * 255
    assert data[second:second + 8] == bytes((0x1D, 0x76, 0x30, 0, 72, 0, 45, 0))
    assert len(data) == 16 + 72 * 300


@pytest.mark.parametrize("b4,state", [(0x12, "ok"), (0x1E, "near_end"), (0x72, "paper_out"), (0x7E, "paper_out")])
def test_paper_bytes_from_devices_md(b4, state):
    assert st.decode({1: 0x12, 2: 0x12, 3: 0x12, 4: b4}).state == state


@pytest.mark.parametrize("answers,state", [
    ({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}, "cover_open"),
    ({1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12}, "offline"),
    ({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}, "cutter_error"),
    ({1: 0x1A, 2: 0x52, 3: 0x32, 4: 0x12}, "error"),
    ({1: None}, "not_responding"),
    ({1: 0x12, 2: None}, "not_responding"),
    ({1: 0xFF, 2: 0x12, 3: 0x12, 4: 0x12}, "garbage"),
    ({1: 0x00, 2: 0x00, 3: 0x00, 4: 0x00}, "garbage"),
])
def test_decode(answers, state):
    decoded = st.decode(answers)
    assert decoded.state == state
    assert not decoded.clean


FLAGS = ["offline", "cover_open", "feed_button", "paper_out", "error", "cutter_error", "unrecoverable_error",
         "autorecoverable_error", "near_end"]


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
    assert st.decode(answers).state in ("ok", "near_end", "paper_out", "cover_open", "offline", "error",
                                        "cutter_error", "garbage", "not_responding")
