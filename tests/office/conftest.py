from datetime import datetime

import pytest

from bench.rigs.clock import ManualClock
from tests.office.helpers import Api


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 11, 26, 10, 5))


@pytest.fixture
def server(office_host, tmp_path, clock):
    """The session's office server answering from this test's own seeded database."""
    with office_host.serving(tmp_path / "office.db", clock) as running:
        yield running


@pytest.fixture
def api(server):
    return Api(server)


@pytest.fixture
def counter(server):
    return Api(server, role="counter", name="c1")


@pytest.fixture
def bureau(server):
    return Api(server, role="bureau", name="city", office="all")
