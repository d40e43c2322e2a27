import pytest

from kiosk.config import load_offices
from kiosk.services.backend_status import BackendStatus
from kiosk.services.journal import Journal
from kiosk.services.office_client import OfficeClient
from kiosk.services.office_link import OfficeLink
from bench.rigs.faultproxy import FaultProxy
from office.offline import OfflineRules
from tests.office.conftest import clock  # noqa: F401  (the same real server on loopback)
from tests.services.helpers import OFFICE

READ_TIMEOUT = 0.5


@pytest.fixture
def server(office_host, tmp_path, clock):  # noqa: F811
    """The office server of tests/office (the session's, from this test's own database), but for the spacing of
    offline tickets: these tests hold the clock still while a kiosk prints several (the plausibility rules are
    tried in tests/office/test_offline.py)."""
    with office_host.serving(tmp_path / "office.db", clock, offline_rules=OfflineRules(min_interval_s=0)) as running:
        yield running


@pytest.fixture
def proxy(server):
    p = FaultProxy.for_server(server).start()
    yield p
    p.stop()


@pytest.fixture
def office():
    return load_offices()[OFFICE]


@pytest.fixture
def events():
    return []


@pytest.fixture
def make_link(tmp_path, clock, office, events, server):
    made = []

    def make(url, state="kiosk-state", kiosk_id="k1", offline_share="1/1"):
        status = BackendStatus(lambda up, reason: events.append("up" if up else "down"))
        ca, cert, key = server.client_files("kiosk", kiosk_id, office.code)
        client = OfficeClient(
            url,
            kiosk_id=kiosk_id,
            connect_timeout_s=0.5,
            read_timeout_s=READ_TIMEOUT,
            retries=1,
            backoff_s=0.05,
            status=status,
            ca_file=ca,
            client_cert=cert,
            client_key=key,
        )
        link = OfficeLink(
            office=office,
            client=client,
            journal=Journal.open(tmp_path / state, clock),
            clock=clock,
            retry_s=0.05,
            answer_wait_s=2.0,
            offline_share=offline_share,
        )
        made.append(link)
        return link

    yield make
    for link in made:
        link.stop()
