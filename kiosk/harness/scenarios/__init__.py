"""The scripted scenarios of `kiosk-diag journey` (see kiosk/harness/journeys.py for the runner), by what they try.

People come from today's seeded bookings (made up) or, for the privacy scenario, from a card fixture file.
"""

from kiosk.harness.scenarios import demo, faults, identity, offices, staff  # noqa: F401  (each registers its own)
from kiosk.harness.scenarios.people import TodaysPeople
from kiosk.harness.scenarios.registry import SCENARIOS

__all__ = ["SCENARIOS", "TodaysPeople"]
