import os

# Kivy must render for real but headless, and must not parse pytest's arguments or write to ~/.kivy.
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

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
