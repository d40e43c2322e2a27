import json
import queue
import time
from pathlib import Path

import pytest

from drivers.idcard.driver import IdCardDriver
from drivers.idcard.sim_core import card_from_fixture
from drivers.idcard.simulator import IdCardSimulator

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "cards"
SIM_ONLY = {"photo_base64", "fingerprint_templates"}


def fixture_card(name):
    return card_from_fixture(CARDS / f"{name}.json")


def fixture_fields(name):
    data = json.loads((CARDS / f"{name}.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in SIM_ONLY}


@pytest.fixture
def sim(tmp_path):
    """A simulator answering at once (no modelled wire time), behind a stable link like a udev name."""
    s = IdCardSimulator(model_timing=False, link_path=str(tmp_path / "idcard"))
    s.start()
    yield s
    s.stop()


@pytest.fixture
def driver(sim):
    d = IdCardDriver(sim.path, poll_interval_s=0.02, backoff_s=(0.05, 0.2), answer_timeout_s=0.15)
    yield d
    d.stop()


class Events:
    """Collects reader events from the reader thread; wait_for returns the first of a type."""

    def __init__(self):
        self.q: queue.Queue = queue.Queue()
        self.seen: list = []

    def __call__(self, event):
        self.q.put(event)

    def wait_for(self, kind, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(event)
            if isinstance(event, kind):
                return event
        raise AssertionError(f"no {kind.__name__} within {timeout}s; saw {self.seen}")

    def drain(self, wait=0.2):
        time.sleep(wait)
        while not self.q.empty():
            self.seen.append(self.q.get())
        return self.seen


@pytest.fixture
def events():
    return Events()
