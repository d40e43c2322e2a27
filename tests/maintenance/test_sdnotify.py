import os
import socket

from kiosk.maintenance.sdnotify import Notifier, watchdog_interval_s


def test_datagrams_reach_the_socket(tmp_path):
    path = str(tmp_path / "notify")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(path)
    server.settimeout(2)
    n = Notifier(path)
    try:
        assert n.ready("first screen drawn") and n.watchdog() and n.stopping()
        assert server.recv(256) == b"READY=1\nSTATUS=first screen drawn"
        assert server.recv(256) == b"WATCHDOG=1"
        assert server.recv(256) == b"STOPPING=1"
    finally:
        n.close()
        server.close()


def test_abstract_socket():
    name = f"kiosk-test-{os.getpid()}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind("\0" + name)
    server.settimeout(2)
    try:
        assert Notifier("@" + name).watchdog()
        assert server.recv(64) == b"WATCHDOG=1"
    finally:
        server.close()


def test_outside_systemd_is_a_no_op(tmp_path):
    assert not Notifier("").ready()
    assert not Notifier("relative/path").ready()
    assert not Notifier(str(tmp_path / "gone")).watchdog()  # socket vanished: False, no exception


def test_watchdog_interval():
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getppid())}) == 15.0
    other = next(str(p) for p in range(2, 10**6) if p not in (os.getpid(), os.getppid()))  # (a run's parent may be 1)
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": other}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
