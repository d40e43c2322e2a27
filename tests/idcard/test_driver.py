"""The driver against the pty simulator: reads, events, and recovery from everything a real reader does."""

import socket
import threading
import time

import pytest

from drivers.idcard import codec
from drivers.idcard.driver import IdCardDriver
from drivers.idcard.port import CardRead, CardRemoved, ReaderFault, ReaderRecovered
from drivers.idcard.sim_core import SamSimulator
from kiosk.cli.diag_idcard import card_output
from kiosk.errors import DeviceError, DeviceTimeout
from tests.idcard.conftest import CARDS, fixture_card, fixture_fields

NAMES = sorted(p.stem for p in CARDS.glob("*.json"))


@pytest.mark.parametrize("name", NAMES)
def test_read_once_gives_every_fixture_field(sim, driver, name):
    sim.present(fixture_card(name))
    record = driver.read_once(2)
    assert card_output(record, reveal=True) == fixture_fields(name)
    assert record.photo == fixture_card(name).record.photo


def test_card_must_leave_the_field(sim, driver):
    sim.present(fixture_card("resident_expired"))
    driver.read_once(1)
    with pytest.raises(DeviceTimeout, match="no card"):
        driver.read_once(0.2)
    sim.remove()
    sim.present(fixture_card("resident_expired"))
    assert driver.read_once(1).name == "王堃"


def test_fingerprints_and_appended_address(sim):
    d = IdCardDriver(sim.path, read_fingerprints=True, answer_timeout_s=0.2)
    try:
        sim.present(fixture_card("resident_female"))
        record = d.read_once(1)
        assert len(record.fingerprints) == 1024 and codec.READ_TEXT_PHOTO_FINGERPRINT in sim.core.requests
        assert sim.core.requests[-1] == codec.READ_APPENDED_ADDRESS and record.appended_address == ""
        sim.remove()
        sim.present(fixture_card("resident_rare_name"))
        moved = d.read_once(1)
        assert moved.appended_address == "广东省紫金县临江镇临江街5号"  # written after a move within Zijin
        assert moved.current_address == moved.appended_address != moved.address
        sim.remove()
        sim.present(fixture_card("hmt_residence_permit"))
        d.read_once(1)
        assert sim.core.requests[-1] == codec.READ_TEXT_PHOTO_FINGERPRINT  # only resident cards have one
    finally:
        d.stop()


def test_sam_id_and_status(driver):
    assert driver.sam_id() == "05.01-20107552-0000062854-1714202369"
    assert driver.sam_status()["ok"] is True


def test_polling_events_read_then_removed(sim, driver, events):
    driver.start(events)
    sim.present(fixture_card("hmt_residence_permit"))
    read = events.wait_for(CardRead)
    assert read.record.card_type == "hmt_residence_permit" and read.record.pass_number == "H12345678"
    events.wait_for(CardRemoved)  # find answers 80 after the read
    sim.remove()
    sim.present(fixture_card("foreign_permanent_resident"))
    assert events.wait_for(CardRead).record.nationality == "USA"
    sim.remove()
    sim.present(fixture_card("resident_rare_name"))  # moved after the card was issued: the chip says where to
    assert events.wait_for(CardRead).record.current_address == "广东省紫金县临江镇临江街5号"
    assert not any(isinstance(e, ReaderFault) for e in events.drain(0.1))


@pytest.mark.parametrize("fault, arg", [("garbage", 64), ("checksum", None), ("half", None), ("drop", 5)])
@pytest.mark.parametrize(
    "command", [codec.FIND_CARD, codec.SELECT_CARD, codec.READ_TEXT_PHOTO, codec.READ_APPENDED_ADDRESS]
)
def test_recovers_from_damaged_replies(sim, driver, fault, arg, command):
    sim.present(fixture_card("resident_rare_name"))
    sim.inject(fault, arg, command)
    record = driver.read_once(3)
    assert record.name == "欧阳燚喆" and record.appended_address == "广东省紫金县临江镇临江街5号"
    s = driver.link.stats
    if fault == "garbage":
        # skipped, not parsed as a broken frame, and no retry of its own (a busy machine's late answer may time out)
        assert s.garbage_bytes >= arg and s.retries == s.timeouts
        assert s.checksum_errors == s.short_frames == s.length_errors == 0
    else:
        assert s.retries >= 1 and (s.checksum_errors + s.short_frames + s.length_errors) >= 1


def test_a_card_whose_appended_address_cannot_be_read_is_not_used_with_the_printed_one(sim, driver, events):
    """The printed address may be out of date: no CardRead until the card is presented again and read whole."""
    sim.inject("sw3", 0x41, codec.READ_APPENDED_ADDRESS)
    sim.present(fixture_card("resident_rare_name"))
    driver.start(events)
    deadline = time.monotonic() + 10
    while driver.card_errors == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    # the halted card answers find with 80 from now on: it is not read again until it comes back
    assert driver.card_errors == 1 and not any(isinstance(e, CardRead) for e in events.drain(0))
    sim.remove()
    sim.present(fixture_card("resident_rare_name"))
    assert events.wait_for(CardRead).record.appended_address == "广东省紫金县临江镇临江街5号"


@pytest.mark.parametrize("sw3", sorted(codec.STATUS_TEXT.keys() - {0x90, 0x9F}))
def test_polling_recovers_from_each_sw3_error(sim, driver, events, sw3):
    command = codec.FIND_CARD if sw3 in (0x47, 0x60, 0x66) else codec.READ_TEXT_PHOTO
    sim.inject("sw3", sw3, command)
    sim.present(fixture_card("resident_female"))
    driver.start(events)
    assert events.wait_for(CardRead).record.name == "李珺"
    if sw3 in (0x47, 0x60, 0x66):  # SAM errors are faults a technician may need to see
        assert any(isinstance(e, ReaderFault) and f"{sw3:02X}" in e.reason for e in events.seen)
        assert any(isinstance(e, ReaderRecovered) for e in events.seen)
    else:
        assert driver.card_errors >= 1


def test_unplug_and_replug(sim, driver, events):
    driver.start(events)
    events.drain(0.1)
    sim.vanish()
    fault = events.wait_for(ReaderFault)
    assert "idcard" in fault.reason
    sim.reappear()
    events.wait_for(ReaderRecovered)
    assert driver.reconnects >= 1
    sim.present(fixture_card("resident_expired"))
    assert events.wait_for(CardRead).record.id_number == "441624198511020031"


def test_unplug_during_read_then_replug(sim, driver, events):
    sim.present(fixture_card("resident_expired"))
    sim.inject("half", None, codec.READ_TEXT_PHOTO)
    sim.inject("half", None, codec.READ_TEXT_PHOTO)
    sim.inject("half", None, codec.READ_TEXT_PHOTO)  # the driver gives up on this read
    driver.start(events)
    sim.vanish()
    events.wait_for(ReaderFault)
    sim.reappear()
    events.wait_for(ReaderRecovered)
    sim.remove()
    sim.present(fixture_card("resident_expired"))
    events.wait_for(CardRead)


def test_a_listener_that_raises_does_not_stop_the_reader(sim, driver):
    got = []

    def listener(event):
        got.append(event)
        raise RuntimeError("UI bug")

    driver.start(listener)
    sim.present(fixture_card("resident_expired"))
    import time

    deadline = time.monotonic() + 3
    while not any(isinstance(e, CardRemoved) for e in got) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any(isinstance(e, CardRead) for e in got) and any(isinstance(e, CardRemoved) for e in got)


def test_port_that_never_existed_is_a_fault_not_a_crash(tmp_path, events):
    d = IdCardDriver(str(tmp_path / "nothing"), backoff_s=(0.05, 0.1))
    d.start(events)
    assert "cannot open" in events.wait_for(ReaderFault).reason
    d.stop()
    with pytest.raises(DeviceError):
        d.read_once(0.1)


def test_loop_url_echo_is_survived():
    """loop:// echoes the request: it parses as a frame with a nonsense SW3 — an error, never a crash."""
    d = IdCardDriver("loop://", answer_timeout_s=0.1)
    with pytest.raises(DeviceError):
        d.read_once(0.3)
    d.stop()


def test_any_process_speaking_the_protocol_over_socket():
    core = SamSimulator(fixture_card("foreign_permanent_resident"))
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve():
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(4096):
                for _, reply in core.receive(data):
                    conn.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    d = IdCardDriver(f"socket://127.0.0.1:{port}", answer_timeout_s=0.5)
    try:
        assert card_output(d.read_once(2), reveal=True) == fixture_fields("foreign_permanent_resident")
    finally:
        d.stop()
        server.close()


def test_baud_rate_change_is_answered_and_applied(sim, driver):
    driver.set_baudrate(9600)
    # The SAM answers at the old rate, then switches: read its rate on its own thread, after that exchange.
    assert (
        sim.call(lambda: sim.baudrate) == 9600 and driver.link.baudrate == 9600 and sim.core.requests[-1] == (0x60, 4)
    )
    with pytest.raises(ValueError):
        driver.set_baudrate(12345)
    sim.present(fixture_card("resident_expired"))
    assert driver.read_once(3).name == "王堃"
