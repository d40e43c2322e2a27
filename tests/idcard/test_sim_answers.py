"""The reader simulator answers like a SAM module to what third-party readers send besides find/select/read."""

import pytest

from drivers.idcard import codec
from drivers.idcard.sim_cli import command
from drivers.idcard.sim_core import SamSimulator
from drivers.idcard.simulator import IdCardSimulator


def ask(sim: SamSimulator, request: bytes) -> codec.Reply:
    [(_, reply)] = sim.receive(request)
    return codec.parse_reply(reply)


def test_set_maximum_frame_size_is_acknowledged_not_a_command_error():
    request = codec.build_request(codec.SET_MAX_FRAME, b"\x50")
    assert request == bytes.fromhex("AAAAAA9669 0004 61FF 50 CA")
    sim = SamSimulator()
    reply = ask(sim, request)
    assert (reply.sw1, reply.sw2, reply.sw3, reply.data) == (0, 0, 0x90, b"")
    assert sim.max_frame == 0x50
    assert ask(sim, codec.build_request(codec.SET_MAX_FRAME)).sw3 == 0x90
    assert ask(sim, codec.build_request(codec.SET_MAX_FRAME, b"\x01\x02\x03")).sw3 == 0x11  # length error
    assert ask(sim, codec.build_request((0x61, 0x01), b"\x50")).sw3 == 0x21  # unknown PARA


@pytest.fixture
def device():
    d = IdCardSimulator(model_timing=False)
    yield d
    d.stop()


def test_status_is_a_real_status_line(device):
    line = command(device, "status")
    assert "bound method" not in line and "<" not in line
    fields = dict(word.split("=") for word in line.split()[1:])
    assert fields == {
        "card": "no",
        "found": "no",
        "selected": "no",
        "halted": "no",
        "requests": "0",
        "faults_pending": "0",
        "port": "vanished",
        "baud": "115200",
    }  # not started yet
    device.start()
    assert "port=attached" in command(device, "status")
    assert command(device, "fault checksum") == "ok"
    assert "faults_pending=1" in command(device, "status")
    device.vanish()
    assert "port=vanished" in command(device, "status")
