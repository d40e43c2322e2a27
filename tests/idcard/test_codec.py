"""The SAM frame codec against the documented bytes (docs/devices/idcard.md), and its behaviour on anything else."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.idcard import codec
from kiosk.errors import DeviceError, ProtocolError

P = "AA AA AA 96 69 "


def hx(s: str) -> bytes:
    return bytes.fromhex(s)


@pytest.mark.parametrize(
    "command, tail",
    [
        (codec.RESET_SAM, "00 03 10 FF EC"),
        (codec.SAM_STATUS, "00 03 11 FF ED"),
        (codec.READ_SAM_ID, "00 03 12 FF EE"),
        (codec.FIND_CARD, "00 03 20 01 22"),
        (codec.SELECT_CARD, "00 03 20 02 21"),
        (codec.READ_TEXT_PHOTO, "00 03 30 01 32"),
        (codec.READ_TEXT_PHOTO_FINGERPRINT, "00 03 30 10 23"),
        (codec.READ_APPENDED_ADDRESS, "00 03 30 03 30"),
    ],
)
def test_requests_are_the_documented_bytes(command, tail):
    assert codec.build_request(command) == hx(P + tail)
    assert codec.parse_request(hx(P + tail)) == (command, b"")


def test_documented_replies_parse():
    find_ok = codec.parse_reply(hx(P + "00 08 00 00 9F 00 00 00 00 97"))
    assert (find_ok.sw3, find_ok.data) == (0x9F, bytes(4))
    assert codec.build_reply(0x9F, bytes(4)) == hx(P + "00 08 00 00 9F 00 00 00 00 97")
    assert codec.parse_reply(hx(P + "00 04 00 00 80 84")).sw3 == 0x80
    assert codec.build_reply(0x80) == hx(P + "00 04 00 00 80 84")
    select = codec.build_reply(0x90, bytes(8))
    assert select[5:10] == hx("00 0C 00 00 90") and len(select) == 19


def test_read_reply_is_1295_bytes_and_splits():
    text, photo = bytes(range(256)), bytes(1024)
    frame = codec.build_reply(0x90, codec.build_card_data(text, photo))
    assert len(frame) == 1295 and frame[5:12] == hx("05 08 00 00 90 01 00") and frame[12:14] == hx("04 00")
    data = codec.parse_card_data(codec.parse_reply(frame).data)
    assert (data.text, data.photo, data.fingerprints) == (text, photo, b"")


@pytest.mark.parametrize("fp", [b"", bytes(512), bytes(1024)])
def test_read_with_fingerprints_splits(fp):
    data = codec.parse_card_data(codec.build_card_data(bytes(256), bytes(1024), fp))
    assert data.fingerprints == fp and len(data.text) == 256


def test_bad_checksum_and_lengths_raise_frame_errors():
    good = codec.build_reply(0x90)
    with pytest.raises(codec.ChecksumError):
        codec.parse_reply(good[:-1] + bytes([good[-1] ^ 1]))
    with pytest.raises(codec.LengthError):
        codec.parse_reply(good[:-2])
    with pytest.raises(codec.FrameError):
        codec.parse_reply(b"\x00" + good[1:])
    with pytest.raises(codec.LengthError):
        codec.parse_card_data(b"\x01\x00\x04\x00" + bytes(10))


STATUS_CLASSES = {
    0x80: codec.NoCard,
    0x81: codec.NoCard,
    0x10: codec.ReaderRejected,
    0x11: codec.ReaderRejected,
    0x21: codec.ReaderRejected,
    0x23: codec.ReaderRejected,
    0x24: codec.ReaderRejected,
    0x31: codec.CardAuthError,
    0x32: codec.CardAuthError,
    0x33: codec.CardAuthError,
    0x40: codec.CardAuthError,
    0x41: codec.CardAuthError,
    0x91: codec.CardAuthError,
    0x47: codec.SamError,
    0x60: codec.SamError,
    0x66: codec.SamError,
}


@pytest.mark.parametrize("sw3, cls", sorted(STATUS_CLASSES.items()))
def test_each_sw3_becomes_a_typed_error(sw3, cls):
    reply = codec.parse_reply(codec.build_reply(sw3, sw1=0x12, sw2=0x34))
    with pytest.raises(cls) as e:
        reply.raise_for_status(codec.READ_TEXT_PHOTO)
    assert isinstance(e.value, DeviceError) and e.value.sw3 == sw3 and (e.value.sw1, e.value.sw2) == (0x12, 0x34)
    assert f"{sw3:02X}" in str(e.value) and "30 01" in str(e.value)


def test_success_passes():
    assert codec.parse_reply(codec.build_reply(0x90, b"x")).raise_for_status().data == b"x"
    assert codec.parse_reply(codec.build_reply(0x9F, bytes(4))).raise_for_status(ok=0x9F).sw3 == 0x9F


def test_deframer_resyncs_after_garbage_and_false_preambles():
    d = codec.Deframer()
    frame = codec.build_reply(0x9F, bytes(4))
    noise = b"\x01\x02\xaa\xaa" + codec.PREAMBLE + b"\xff\xff" + b"\xaa\xaa\xaa\x96"
    out = d.feed(noise + frame)
    frames = [x for x in out if isinstance(x, bytes)]
    assert frames == [frame]
    assert any(isinstance(x, codec.LengthError) for x in out)
    assert d.garbage_bytes >= len(noise) - 4


def test_deframer_says_header_then_length():
    d = codec.Deframer()
    frame = codec.build_reply(0x90, bytes(100))
    assert d.needed() == 7
    assert d.feed(frame[:7]) == []
    assert d.needed() == len(frame) - 7
    assert d.feed(frame[7:]) == [frame]


def test_deframer_byte_at_a_time():
    d = codec.Deframer()
    frame = codec.build_reply(0x90, bytes(range(40)))
    got = [x for b in b"junk" + frame for x in d.feed(bytes([b]))]
    assert got == [frame]


@given(st.binary(max_size=300))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_parse_reply_raises_only_its_own_errors(data):
    try:
        codec.parse_reply(data)
    except ProtocolError:
        pass


@given(st.integers(0, 255), st.binary(max_size=1400), st.integers(0, 255), st.integers(0, 255))
def test_reply_round_trip(sw3, data, sw1, sw2):
    r = codec.parse_reply(codec.build_reply(sw3, data, sw1, sw2))
    assert (r.sw1, r.sw2, r.sw3, r.data) == (sw1, sw2, sw3, data)


def _mutations():
    frame = st.builds(lambda sw3, d: codec.build_reply(sw3, d), st.integers(0, 255), st.binary(max_size=64))
    return st.lists(st.one_of(frame, st.binary(max_size=40)), max_size=6)


def _check_stream(pieces, cut):
    """A stream of frames and garbage, split anywhere: every intact frame comes out; only own errors."""
    stream = b"".join(pieces)
    d = codec.Deframer()
    out = []
    for i in range(0, len(stream), max(1, cut)):
        out += d.feed(stream[i : i + max(1, cut)])
        assert d.needed() >= 1
    for item in out:
        assert isinstance(item, (bytes, codec.FrameError))
        if isinstance(item, bytes):
            codec.parse_reply(item)  # anything emitted as a frame parses
    return out


@given(_mutations(), st.integers(1, 50))
@settings(max_examples=150)
def test_deframer_survives_mixed_streams(pieces, cut):
    _check_stream(pieces, cut)


def test_ten_thousand_generated_frames_and_garbage():
    """Volume on top of the hypothesis tests above (which find the edge cases and shrink them): ten thousand streams
    of the same kind from a seeded generator — drawn with plain `random`, as hypothesis's bookkeeping per example
    costs some fifty times the check itself."""
    rng = random.Random(20261126)
    for _ in range(10_000):
        pieces = [
            codec.build_reply(rng.randrange(256), rng.randbytes(rng.randrange(65)))
            if rng.random() < 0.5
            else rng.randbytes(rng.randrange(41))
            for _ in range(rng.randrange(7))
        ]
        cut, garbage = rng.randint(1, 50), rng.randbytes(rng.randrange(201))
        try:
            _check_stream(pieces + [garbage], cut)
            for parse in (codec.parse_reply, codec.parse_card_data):
                try:
                    parse(garbage)
                except ProtocolError:
                    pass
        except Exception as e:
            raise AssertionError(f"pieces {pieces!r}, garbage {garbage!r}, cut {cut}") from e


def test_plausibility_rejects_late_replies_to_other_commands():
    find_ok, select_ok = codec.build_reply(0x9F, bytes(4)), codec.build_reply(0x90, bytes(8))
    read_ok = codec.build_reply(0x90, codec.build_card_data(bytes(256), bytes(1024)))
    p = lambda cmd, frame: codec.plausible(cmd, codec.parse_reply(frame))  # noqa: E731
    assert p(codec.FIND_CARD, find_ok) and not p(codec.FIND_CARD, select_ok)
    assert p(codec.SELECT_CARD, select_ok) and not p(codec.SELECT_CARD, find_ok)
    assert p(codec.READ_TEXT_PHOTO, read_ok) and not p(codec.READ_TEXT_PHOTO, select_ok)
    assert all(p(cmd, codec.build_reply(0x41)) for cmd in (codec.FIND_CARD, codec.SELECT_CARD, codec.READ_SAM_ID))


@given(
    st.sampled_from([codec.FIND_CARD, codec.SELECT_CARD, codec.READ_TEXT_PHOTO, codec.READ_SAM_ID, codec.SAM_STATUS]),
    st.integers(0, 255),
    st.binary(max_size=40),
)
def test_plausible_never_raises(command, sw3, data):
    assert codec.plausible(command, codec.Reply(0, 0, sw3, data)) in (True, False)
