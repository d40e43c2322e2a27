"""schemathesis against the server's own /openapi.json, over mutual TLS, with real office codes: no 5xx, and every
status, header and body the server answers is in the document. Bounded (a few examples per operation) so the
suite stays fast; `FUZZ_EXAMPLES=500` runs it longer."""

import os
import random
from datetime import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from bench.rigs.clock import ManualClock

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
OFFICES = ["441621", "441602", "441622", "441623", "441624", "441625"]
CALLERS = {
    "kiosk": ("k1", "441621"),
    "counter": ("c1", "441621"),
    "bureau": ("city", "all"),
    "display": ("tv1", "441621"),
}


@pytest.fixture(scope="module")
def fuzzed_server(office_host, tmp_path_factory):
    db = tmp_path_factory.mktemp("fuzz") / "office.db"
    with office_host.serving(db, ManualClock(datetime(2026, 11, 26, 10, 5))) as server:
        yield server


@pytest.fixture(scope="module")
def sessions(fuzzed_server):
    """One mutual-TLS session per caller, reused across examples (one handshake each)."""
    made: dict = {}

    def get(role):
        if role not in made:
            made[role] = fuzzed_server.session(role, *CALLERS[role])
        return made[role]

    yield get
    for s in made.values():
        s.close()


@pytest.fixture(scope="module")
def api_schema(fuzzed_server):
    spec = fuzzed_server.session().get(fuzzed_server.url + "/openapi.json", timeout=10).json()
    return schemathesis.openapi.from_dict(spec)


schema = schemathesis.pytest.from_fixture("api_schema")
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case, fuzzed_server, sessions):
    rng = random.Random(repr(case.path_parameters) + repr(case.query) + repr(case.body))
    raw = getattr(case.operation.definition, "raw", {}) or {}
    roles = raw.get("x-roles") or ["kiosk"]
    role = rng.choice(roles)
    name, _office = CALLERS[role]
    if case.path_parameters and "office" in case.path_parameters and rng.random() < 0.8:
        case.path_parameters["office"] = "441621" if rng.random() < 0.7 else rng.choice(OFFICES)
    if isinstance(case.body, dict) and "kiosk_id" in case.body and rng.random() < 0.7:
        case.body["kiosk_id"] = name
    session = sessions(role)  # verify/cert explicitly: REQUESTS_CA_BUNDLE must not override them
    response = case.call(
        base_url=fuzzed_server.url, session=session, timeout=10, verify=session.verify, cert=session.cert
    )
    case.validate_response(response, checks=CHECKS)
