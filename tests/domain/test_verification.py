"""How each party was verified: what the ticket, the check-in and the office's statistics carry."""

from kiosk.domain.verification import RESULTS, VERIFIED_BY, PartyCheck, needs_staff


def test_a_party_check_as_the_office_receives_it():
    check = PartyCheck(2, "fingerprint", "match", 87.0, 2)
    assert check.as_dict() == {
        "party": 2,
        "verified_by": "fingerprint",
        "result": "match",
        "score": 87.0,
        "attempts": 2,
    }
    assert PartyCheck(1, "staff", "skipped").as_dict() == {
        "party": 1,
        "verified_by": "staff",
        "result": "skipped",
        "score": None,
        "attempts": 0,
    }


def test_the_registrar_checks_when_any_party_was_not_verified_by_the_machine():
    face, finger, staff = (
        PartyCheck(1, "face", "match"),
        PartyCheck(2, "fingerprint", "match"),
        PartyCheck(2, "staff", "no_match"),
    )
    assert not needs_staff([face, finger])
    assert needs_staff([face, staff]) and needs_staff([staff])
    assert not needs_staff([])


def test_the_kinds_and_results_are_the_ones_the_office_accepts():
    assert VERIFIED_BY == ("face", "fingerprint", "staff")
    assert RESULTS == ("match", "no_match", "unavailable", "declined", "skipped")
