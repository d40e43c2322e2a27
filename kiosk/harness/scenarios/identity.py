"""Scenarios of identity: faces that match, faces that do not, a photo held up, a fingerprint instead."""

from __future__ import annotations

from kiosk.harness.journeys import Journey
from kiosk.harness.scenarios.registry import scenario
from kiosk.harness.scenarios.steps import FACE_WAIT_S, booked_to_confirm, sample_face, ticket_and_finish


@scenario
def booked_couple(j: Journey):
    yield from booked_to_confirm(j, consent=True)
    j.expect(j.app.sm.get_screen("confirm").photos == 2, "the two photos are not shown for review")
    # Every party is verified one way or another (tests/ui checks that the right faces end verified by face; a
    # soak on a busy machine may see a liveness challenge time out three times and end with staff).
    j.expect(len(j.verification) == 2, f"verification {j.verification}")
    yield from j.touch("confirm", "done", timeout=30)
    j.expect(j.ticket is not None and not j.ticket["offline"], f"ticket {j.ticket}")
    yield from j.touch("finish", "attract")


@scenario
def face_mismatch(j: Journey):
    """Someone else stands in front of the camera for party 1: three tries, then the counter checks (staff)."""
    j.face(1, sample_face("astronaut.png"))
    yield from booked_to_confirm(j, consent=True)
    j.expect(j.verification and j.verification[0]["verified_by"] != "face", f"verification {j.verification}")
    yield from ticket_and_finish(j)


@scenario
def same_face_twice(j: Journey):
    """Both cards carry the same person's photo and the same person poses twice: party 2 must not pass."""
    for party in (1, 2):
        j.id_photo(party, sample_face("grace_hopper.jpg"))
        j.face(party, sample_face("grace_hopper.jpg"))
    yield from booked_to_confirm(j, consent=True)
    j.expect(len(j.verification) == 2 and j.verification[1]["verified_by"] != "face", f"verification {j.verification}")
    yield from ticket_and_finish(j)


@scenario
def fingerprint_fallback(j: Journey):
    """Party 1's face does not match (someone else's photo on the card); the card holds fingerprints, the right
    finger goes on the sensor: verified by fingerprint. Party 2 by face."""
    j.id_photo(1, sample_face("astronaut.png"))
    b = j.people.booking(j.shell.env.office, fresh=True)
    a, c = j.people.cards(b)
    yield from j.qr(b["qr"], "read_id_1")
    yield from j.card(dict(a, fingerprint_templates=2), "read_id_2")
    yield from j.card(c, "eligibility")
    yield from j.touch("go_on", "consent")
    yield from j.touch("yes", "face_1")
    yield from j.wait("finger_1", timeout=FACE_WAIT_S)
    yield from j.wait("face_2", timeout=30)
    yield from j.wait("confirm", timeout=FACE_WAIT_S)
    j.expect([v["verified_by"] for v in j.verification] == ["fingerprint", "face"], f"verification {j.verification}")
    yield from ticket_and_finish(j)


@scenario
def photo_attack(j: Journey):
    """A still photo of the right person held up to the camera fails the liveness challenge every time."""
    j.face(1, sample_face("grace_hopper.jpg"), still=True)
    yield from booked_to_confirm(j, consent=True)
    j.expect(j.verification and j.verification[0]["verified_by"] != "face", f"verification {j.verification}")
    yield from ticket_and_finish(j)
