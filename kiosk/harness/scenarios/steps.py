"""Steps several scenarios share: a booked couple to consent or confirmation, a ticket and finish."""

from __future__ import annotations

from kiosk.harness.journeys import Journey

FACE_WAIT_S = 90.0  # up to three captures with their liveness challenge (8 s each at most) and comparisons


def other_office(j: Journey) -> str:
    return next(code for code in sorted(j.shell.env.offices) if code != j.shell.env.office)


def booked_to_consent(j: Journey):
    b = j.people.booking(j.shell.env.office, fresh=True)
    a, c = j.people.cards(b)
    yield from j.qr(b["qr"], "read_id_1")
    yield from j.card(a, "read_id_2")
    yield from j.card(c, "eligibility")
    j.expect(j.decision == "accept", f"decision {j.decision} {j.reasons}")
    yield from j.touch("go_on", "consent")


def booked_to_confirm(j: Journey, consent: bool):
    yield from booked_to_consent(j)
    if consent:
        yield from j.touch("yes", "face_1")
        yield from j.wait("face_2", timeout=FACE_WAIT_S)
        yield from j.wait("confirm", timeout=FACE_WAIT_S)
    else:
        yield from j.touch("no", "confirm")


def ticket_and_finish(j: Journey):
    yield from j.touch("confirm", "done", timeout=30)
    j.expect(j.ticket is not None, f"ticket {j.ticket}")
    yield from j.touch("finish", "attract")


def sample_face(name: str):
    from kiosk.harness.demo import demo_face

    return demo_face(name)
