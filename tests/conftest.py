import os

# Kivy must render for real but headless, and must not parse pytest's arguments or write to ~/.kivy.
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

import pytest  # noqa: E402

# Mutation runs (scripts/mutation.sh) trace every call and run each test many times: fewer examples, no deadlines,
# no example database, no "too slow" health check. Selected with --hypothesis-profile=mutation.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "mutation",
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="session")
def office_host(tmp_path_factory):
    """One real office server on loopback (mutual TLS, its own PKI) for the whole run: each test that asks for
    `server` gets it answering from a fresh database (bench.rigs.office_server.RunningServer.serving)."""
    from datetime import datetime

    from bench.rigs.office_server import serve_in_thread
    from bench.rigs.clock import ManualClock

    root = tmp_path_factory.mktemp("office-host")
    clock = ManualClock(datetime(2026, 11, 26, 10, 5))
    with serve_in_thread(root / "idle.db", clock, seed=None, pki_dir=root / "pki") as host:
        yield host


def pytest_collection_modifyitems(config, items):
    """The files holding slow tests first (a stable sort: each file's tests stay together and in order), so that
    with two workers (scripts/test.sh) the long ones start early and the short ones fill in around them."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)
