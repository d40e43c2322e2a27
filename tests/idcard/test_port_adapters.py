"""The registry's idcard adapters (demo mode's sim://idcard), modelled timing, and a hostile device."""

import random
import socket
import threading
import time

from drivers import registry
from drivers.idcard import codec
from drivers.idcard.driver import IdCardDriver
from drivers.idcard.port import CardRead, ReaderFault, ReaderRecovered
from drivers.idcard.sim_core import SamSimulator
from kiosk.errors import DeviceError
from tests.idcard.conftest import CARDS, fixture_card


def test_sim_scheme_gives_a_real_driver_on_a_pty_with_a_handle(events):
    reader = registry.create("idcard", "sim://idcard", sam_delay_scale=0, poll_interval_s=0.02, backoff_s=(0.05, 0.1))
    try:
        reader.start(events)
        reader.sim.present(CARDS / "resident_rare_name.json")
        assert events.wait_for(CardRead).record.name == "欧阳燚喆"
        assert reader.link.stats.bytes_received >= 1295  # bytes really crossed the pty
        link = reader.sim.path
        reader.sim.vanish()
        events.wait_for(ReaderFault)
        reader.sim.reappear()
        events.wait_for(ReaderRecovered)
        assert reader.sim.path == link
    finally:
        reader.stop()
    assert reader.sim.link_path is None  # the temporary link directory is gone


def test_sim_url_with_card_and_modelled_timing():
    reader = registry.create("idcard", f"sim://idcard?card={CARDS / 'resident_expired.json'}", sam_delay_scale=0)
    try:
        t0 = time.perf_counter()
        reader.read_once(3)
        elapsed = time.perf_counter() - t0
        wire = (reader.link.stats.bytes_sent + reader.link.stats.bytes_received) * 10 / 115200
        assert elapsed >= wire * 0.98 and abs(reader.sim.modelled_s - wire) < 1e-9
    finally:
        reader.stop()


def test_path_and_serial_schemes_resolve_to_the_driver(tmp_path):
    assert isinstance(registry.create("idcard", "/dev/ttyUSB9"), IdCardDriver)
    assert isinstance(registry.create("idcard", str(tmp_path / "idcard")), IdCardDriver)
    assert isinstance(registry.create("idcard", "socket://127.0.0.1:1"), IdCardDriver)


def test_hostile_device_never_kills_the_driver():
    """Each request is answered by random junk (with real preambles, absurd LENs, half frames) then the real
    reply; the driver either reads the card or raises a DeviceError — nothing else, and it never hangs."""
    rng = random.Random(1234)
    core = SamSimulator(fixture_card("resident_long_term"))

    def junk():
        parts = []
        for _ in range(rng.randint(0, 4)):
            kind = rng.randint(0, 3)
            if kind == 0:
                parts.append(rng.randbytes(rng.randint(1, 60)))
            elif kind == 1:
                parts.append(codec.PREAMBLE + rng.randbytes(rng.randint(0, 12)))
            elif kind == 2:
                f = codec.build_reply(rng.randint(0, 255), rng.randbytes(rng.randint(0, 20)))
                parts.append(f[: rng.randint(1, len(f) - 1)])  # noise never forms a whole valid frame
            else:
                parts.append(codec.build_reply(0x90)[:-1] + b"\x00")
        return b"".join(parts)

    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(4096):
                for _, reply in core.receive(data):
                    conn.sendall(junk() + reply)

    threading.Thread(target=serve, daemon=True).start()
    d = IdCardDriver(f"socket://127.0.0.1:{server.getsockname()[1]}", answer_timeout_s=0.03, retries=3)
    outcomes = {"read": 0, "error": 0}
    try:
        for _ in range(30):
            core.remove()
            core.present(fixture_card("resident_long_term"))
            try:
                assert d.read_once(0.6).name == "陈䶮"
                outcomes["read"] += 1
            except DeviceError:
                outcomes["error"] += 1
    finally:
        d.stop()
        server.close()
    assert outcomes["read"] >= 20, outcomes
    assert d.link.stats.garbage_bytes > 0
