import pytest

from kiosk.maintenance.pin import hash_pin

PIN = "482915"


class FakeClock:
    """Wall seconds that move only when told to."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingAudit:
    def __init__(self):
        self.entries = []

    def record(self, action, **details):
        self.entries.append((action, details))

    def actions(self):
        return [a for a, _ in self.entries]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def audit():
    return RecordingAudit()


@pytest.fixture(scope="session")
def pin_hash():
    # A cheaper cost than production (2^10) keeps the suite fast; verify reads the cost from the string.
    return hash_pin(PIN, log2_n=10)
