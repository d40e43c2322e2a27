"""The applicant flow: one declarative state machine. `table` holds the transitions, `state` the states and the
applicant's session, `events` what happens, `effects` what the shell must do, `guards` the guards and choices,
`intake`, `verification`, `identity` and `actions` the actions. The shell and the screens import the machine's
public names from here."""

from kiosk.flow.state import (
    APPLICANT_STATES,
    IDLE_STATES,
    MAINTENANCE_STATES,
    NEEDS,
    OTHER_BUSINESSES,
    WALK_IN_BUSINESSES,
    Assistance,
    Flow,
    FlowEnv,
    S,
    Session,
    State,
    Status,
)
from kiosk.flow.guards import Choice
from kiosk.flow.table import ANY, APPLICANT, NOT_ATTRACT, RESUME, STAY, TRANSITIONS, step, timer_for

__all__ = [
    "ANY",
    "APPLICANT",
    "APPLICANT_STATES",
    "IDLE_STATES",
    "MAINTENANCE_STATES",
    "NEEDS",
    "NOT_ATTRACT",
    "OTHER_BUSINESSES",
    "RESUME",
    "STAY",
    "TRANSITIONS",
    "WALK_IN_BUSINESSES",
    "Assistance",
    "Choice",
    "Flow",
    "FlowEnv",
    "S",
    "Session",
    "State",
    "Status",
    "step",
    "timer_for",
]
