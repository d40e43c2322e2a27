"""R30x packet codec (pure), the sensor driver against its pty simulator, and the check against the card's templates."""

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
from kiosk.errors import DeviceNotFound, ProtocolError

ROOT = Path(__file__).resolve().parents[2]


def test_documented_bytes():
    assert codec.build_command(codec.GET_IMAGE) == bytes.fromhex("EF01FFFFFFFF010003010005")
    assert codec.build_command(codec.GEN_CHAR, b"\x01") == bytes.fromhex("EF01FFFFFFFF01000402010008")
    assert codec.build_command(codec.UP_CHAR, b"\x01") == bytes.fromhex("EF01FFFFFFFF0100040801000E")
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


def test_capture_against_the_simulator(sim):
    sensor = R30xSensor(sim.path, answer_timeout_s=0.3)
    try:
        assert sensor.capture_feature(0.2) is None  # no finger on the glass
        sim.put_finger("441622199608200022:right_thumb")
        assert len(sensor.capture_feature(1)) == codec.CHAR_FILE_SIZE
        sim.vanish()
        with pytest.raises(DeviceNotFound):
            sensor.capture_feature(0.5)
        sim.reappear()
        assert len(sensor.capture_feature(1)) == codec.CHAR_FILE_SIZE
    finally:
        sensor.close()


def test_the_kiosk_has_no_fingerprint_step_without_a_sensor_and_a_matcher():
    from kiosk.config import load_kiosk_config
    from kiosk.services.identity.fingerprint import card_fingerprints_from_config

    config = load_kiosk_config()
    assert config.devices.fingerprint == "none" and card_fingerprints_from_config(config) is None
    sensor_only = config.devices.model_copy(update={"fingerprint": "sim://fingerprint"})  # no matcher: no step
    assert card_fingerprints_from_config(config.model_copy(update={"devices": sensor_only})) is None


def test_in_process_sim_adapter():
    sensor = registry.create("fingerprint", "sim://fingerprint")
    try:
        sensor.sim.start()
        sensor.sim.put_finger("x:left_index")
        assert len(sensor.capture_feature(1)) == codec.CHAR_FILE_SIZE
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
        p.stdin.write("finger a\n")
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
