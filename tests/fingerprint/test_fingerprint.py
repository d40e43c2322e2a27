"""R30x packet codec (pure), the sensor driver against its pty simulator, and running without any device."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers import registry
from drivers.fingerprint import codec
from drivers.fingerprint.driver import R30xSensor
from drivers.fingerprint.simulator import FingerprintSimulator
from drivers.fingerprint.vendor import VendorFingerprintSdk
from kiosk.errors import DeviceNotFound, ProtocolError

ROOT = Path(__file__).resolve().parents[2]


def test_documented_bytes():
    assert codec.build_command(codec.GET_IMAGE) == bytes.fromhex("EF01FFFFFFFF010003010005")
    assert codec.build_command(codec.GEN_CHAR, b"\x01") == bytes.fromhex("EF01FFFFFFFF01000402010008")
    assert codec.build_command(codec.SEARCH, bytes.fromhex("01000000A3")) == bytes.fromhex(
        "EF01FFFFFFFF010008040100 0000A300B1".replace(" ", "")
    )
    ack = codec.parse_packet(bytes.fromhex("EF01FFFFFFFF07000300000A"))
    assert (ack.pid, ack.payload) == (codec.PID_ACK, b"\x00")


def test_bad_packets():
    good = codec.build_ack(0)
    with pytest.raises(codec.PacketError):
        codec.parse_packet(good[:-1] + b"\x00")
    with pytest.raises(codec.PacketError):
        codec.parse_packet(good[:-3])


def test_stream_resync():
    buf = bytearray(b"\x00\xef\x02junk" + codec.build_ack(0x09) + b"\xef")
    out = codec.split_stream(buf)
    assert out == [codec.build_ack(0x09)] and buf == b"\xef"


@given(st.binary(max_size=300), st.integers(1, 40))
def test_any_bytes_only_own_errors(data, cut):
    try:
        codec.parse_packet(data)
    except ProtocolError:
        pass
    buf = bytearray()
    for i in range(0, len(data), cut):
        buf += data[i : i + cut]
        for item in codec.split_stream(buf):
            assert isinstance(item, (bytes, codec.PacketError))


@pytest.fixture
def sim(tmp_path):
    s = FingerprintSimulator(model_timing=False, link_path=str(tmp_path / "fp"))
    s.start()
    yield s
    s.stop()


def test_identify_against_the_simulator(sim):
    sensor = R30xSensor(sim.path, answer_timeout_s=0.3)
    try:
        sim.enroll(7, "right-thumb")
        assert sensor.identify(0.2).outcome == "no_finger"
        sim.put_finger("right-thumb")
        result = sensor.identify(1)
        assert (result.outcome, result.page, result.score) == ("match", 7, 180)
        sim.put_finger("stranger")
        assert sensor.identify(1).outcome == "no_match"
        assert sensor.verify_against_card(bytes(1024), 1).outcome == "unavailable"
        sim.vanish()
        with pytest.raises(DeviceNotFound):
            sensor.identify(0.5)
        sim.reappear()
        sim.put_finger("right-thumb")
        assert sensor.identify(1).outcome == "match"
    finally:
        sensor.close()


def test_kiosk_runs_without_a_fingerprint_device(tmp_path):
    none = registry.create("fingerprint", "none")
    assert not none.available and none.verify_against_card(b"", 1).outcome == "unavailable"
    sdk = registry.create("fingerprint", f"vendor://{tmp_path}/libfp.so")
    assert not sdk.available and "not found" in sdk.reason
    assert sdk.verify_against_card(bytes(512), 1).outcome == "unavailable"
    assert isinstance(sdk, VendorFingerprintSdk)


def test_in_process_sim_adapter():
    sensor = registry.create("fingerprint", "sim://fingerprint")
    try:
        sensor.sim.start()
        sensor.sim.put_finger("x")
        sensor.sim.enroll(1, "x")
        assert sensor.identify(1).outcome == "match"
    finally:
        sensor.close()


def test_sim_cli_prints_a_pty():
    p = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli.sim", "fingerprint"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert p.stdout.readline().startswith("/dev/pts/")
        p.stdin.write("enroll 3 a\n")
        p.stdin.flush()
        assert p.stdout.readline().strip() == "ok"
    finally:
        p.stdin.write("quit\n")
        p.stdin.flush()
        p.wait(timeout=5)


def test_card_templates_against_the_uploaded_character_file(sim):
    """UpChar over the pty (the character file in data packets), compared with the card's templates by the
    stand-in matcher through the ctypes port."""
    from drivers.fingerprint.matcher import CardTemplateMatcher
    from drivers.idcard.sim_core import card_from_fixture
    from drivers.standin import build
    from kiosk.services.identity.fingerprint import CardFingerprints

    card = card_from_fixture(
        {
            "name": "李珺",
            "sex": "female",
            "birth": "1996-08-20",
            "id_number": "441622199608200022",
            "fingerprint_templates": 2,
        }
    )
    templates = card.record.fingerprints
    assert len(templates) == 1024
    sensor = R30xSensor(sim.path, answer_timeout_s=0.5)
    check = CardFingerprints(sensor, CardTemplateMatcher(str(build("fp_matcher"))), timeout_s=0.3)
    try:
        assert check.check(templates).outcome == "no_finger"
        sim.put_finger("441622199608200022:left_index")
        feature = sensor.capture_feature(1)
        assert len(feature) == codec.CHAR_FILE_SIZE and feature[:4] == b"SFPT"
        result = check.check(templates)
        assert (result.outcome, result.score) == ("match", 96)
        sim.put_finger("110101199001011234:left_index")  # someone else's finger
        assert check.check(templates).outcome == "no_match"
        assert check.check(b"").outcome == "unavailable"  # a card without templates
    finally:
        sensor.close()
    missing = CardFingerprints(sensor, CardTemplateMatcher("/nonexistent/libfp.so"))
    assert missing.check(templates).outcome == "unavailable" and "not found" in missing.matcher.reason
