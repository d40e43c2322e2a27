"""Where the applicant is on their way through the kiosk, for the step bar: 签到 → 读取身份证 → 拍照核验 → 取号,
in the business's own variant (walk-ins choose instead of checking in; no photo step when face checks are off).
Pure."""

from __future__ import annotations

from kiosk.flow.state import APPLICANT_STATES, S, Flow, FlowEnv, State

# The step each applicant screen belongs to: 0 first step, 1 ID cards, 2 photo check, 3 ticket.
STEP_OF: dict[State, int] = {
    S.SERVICE_MENU: 0,
    S.CHOOSE_BUSINESS: 0,
    S.GUIDE: 0,
    S.APPOINTMENT: 0,
    S.BACKEND_OFFLINE: 0,
    S.READ_ID_1: 1,
    S.READ_ID_2: 1,
    S.ELIGIBILITY: 1,
    S.CONSENT: 2,
    S.FACE_1: 2,
    S.FACE_2: 2,
    S.FINGER_1: 2,
    S.FINGER_2: 2,
    S.CONFIRM: 3,
    S.PRINTING: 3,
    S.DONE: 3,
    S.PRINTER_PROBLEM: 3,
}


def journey_steps(flow: Flow, env: FlowEnv) -> tuple[tuple[str, ...], int]:
    """(step keys, index of the current one), or ((), -1) where no step bar belongs (attract, maintenance).
    A pause (idle warning, device fault) shows the step it interrupted; an applicant screen not (yet) in STEP_OF
    shows the steps with none highlighted."""
    state = flow.resume if flow.state in (S.IDLE_WARNING, S.DEVICE_FAULT) and flow.resume else flow.state
    if state not in APPLICANT_STATES:
        return (), -1
    s = flow.session
    first = "choose" if s.service in ("walk_in", "other") else "check_in"
    # The bar keeps its steps for the whole journey: declining the photo passes the photo step, it does not
    # remove it; and an answer given at the ticket step (a refusal) stays on that step.
    face = env.face_enabled
    steps = (first, "read_id") + (("face",) if face else ()) + ("ticket",)
    index = STEP_OF.get(state, -1)
    if state == S.ELIGIBILITY and s.ticket_refused:
        index = 3
    elif state == S.ELIGIBILITY and not s.cards:  # answered at the scan (a used booking, another office's)
        index = 0
    if not face and index >= 2:
        index = len(steps) - 1
    return steps, index
