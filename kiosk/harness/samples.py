"""Made-up applicants and flows in every state, for `kiosk-diag screens` (no devices, no server)."""

from __future__ import annotations

from dataclasses import replace

import heyuan_assets as assets
from kiosk.domain.appointment import Appointment
from kiosk.domain.eligibility import Decision
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.idnumber import check_character
from kiosk.domain.messages import compose_message
from kiosk.domain.ticket import IssuedTicket
from kiosk.domain.verification import PartyCheck
from kiosk.flow import Assistance, Flow, FlowEnv, Session, State, Status
from kiosk.flow.intake import with_decision


def _id(body: str) -> str:
    return body + check_character(body)


def sample_cards(env: FlowEnv) -> tuple[IdCardRecord, IdCardRecord]:
    """Two people (not real) with hukou in this kiosk's county, old enough and with valid cards."""
    office = env.office
    year = env.today.year
    return (
        IdCardRecord(
            card_type="resident_id",
            name="陈志明",
            sex="male",
            birth=f"{year - 30}-03-12",
            address="广东省河源市紫金县紫城镇东村12号",
            id_number=_id(f"{office}{year - 30}0312011"),
            valid_until=f"{year + 5}-01-01",
            nation="汉",
        ),
        IdCardRecord(
            card_type="resident_id",
            name="欧阳喆",
            sex="female",
            birth=f"{year - 27}-08-20",
            address="广东省河源市紫金县龙窝镇南村8号",
            id_number=_id(f"{office}{year - 27}0820022"),
            valid_until="long_term",
            nation="汉",
        ),
    )


def sample_faces() -> tuple:
    """Two captured photos (the public-domain test portraits the simulated camera shows), as the face screens
    leave them in the session."""
    import cv2

    from kiosk.services.face.pipeline import PartyFaceResult

    faces = assets.path("samples", "faces")
    photos = [cv2.imread(str(faces / name)) for name in ("grace_hopper.jpg", "astronaut.png")]
    return tuple(
        PartyFaceResult(photo=p, match="same_person", match_score=0.8, party=i + 1, verdict="match", score=0.8)
        for i, p in enumerate(photos)
        if p is not None
    )


def sample_flows(env: FlowEnv) -> dict[str, Flow]:
    """screen name → a flow showing it with typical content (eligibility in its four outcomes)."""
    a, b = sample_cards(env)
    base = Session(
        service="booked",
        business="marriage",
        appointment=Appointment("AP-SAMPLE", env.office, "marriage"),
    )
    two = replace(base, cards=(a, b))
    decided = with_decision(Flow(session=two), env).session
    ticket: IssuedTicket = {
        "number": "A012",
        "business": "marriage",
        "offline": False,
        "waiting_ahead": 3,
        "ticket_id": "T-SAMPLE",
        "issued_at": f"{env.today.isoformat()}T09:30:00+08:00",
        "priority": "booked",
    }

    def decision(kind: str, reason: str, offices: tuple[str, ...]) -> Session:
        known = [env.offices[o] for o in offices if o in env.offices]
        return replace(
            two, decision=Decision(kind, (reason,), offices, compose_message(kind, "marriage", [reason], known, {}))
        )

    other = next(code for code in sorted(env.offices) if code != env.office)
    flows = {
        "attract": Flow(),
        "attract_printer_out": Flow(status=Status(printer_ok=False, printer_problem="paper_out")),
        "service_menu": Flow(State.SERVICE_MENU),
        "choose_business": Flow(State.CHOOSE_BUSINESS, Session(service="walk_in")),
        "guide": Flow(State.GUIDE),
        "appointment": Flow(State.APPOINTMENT, replace(base, notice="booking_not_found")),
        "read_id_1": Flow(State.READ_ID_1, base),
        "read_id_1_booking_found": Flow(State.READ_ID_1, replace(base, notice="booking_found")),
        "read_id_2": Flow(State.READ_ID_2, replace(base, cards=(a,))),
        "read_id_2_staff_sent": Flow(
            State.READ_ID_2, replace(base, cards=(a,), assistance=Assistance.SENT, assistance_call=1)
        ),
        "read_id_2_staff_called": Flow(State.READ_ID_2, replace(base, cards=(a,), assistance=Assistance.ON_THE_WAY)),
        "read_id_2_staff_offline": Flow(
            State.READ_ID_2, replace(base, cards=(a,), assistance=Assistance.OFFLINE), Status(backend_online=False)
        ),
        "eligibility": Flow(State.ELIGIBILITY, decided),
        "eligibility_redirect": Flow(State.ELIGIBILITY, decision("redirect", "booked_elsewhere", (other,))),
        "eligibility_staff": Flow(State.ELIGIBILITY, decision("staff", "needs_registrar", (env.office,))),
        "eligibility_refuse": Flow(State.ELIGIBILITY, decision("refuse", "underage", ())),
        "eligibility_used_booking": Flow(
            State.ELIGIBILITY,
            replace(
                base,
                decision=Decision(
                    "staff",
                    ("already_checked_in", "ticket_held"),
                    (),
                    compose_message(
                        "staff", "marriage", ["already_checked_in", "ticket_held"], [], {"number": "A001"}, lead=False
                    ),
                ),
            ),
        ),
        "consent": Flow(State.CONSENT, decided),
        "face_1": Flow(State.FACE_1, decided),
        "face_2": Flow(State.FACE_2, decided),
        "face_retake": Flow(State.FACE_1, replace(decided, consent=True, attempts=1, notice="verify_no_match")),
        "finger_1": Flow(State.FINGER_1, replace(decided, consent=True)),
        "finger_2": Flow(
            State.FINGER_2,
            replace(
                decided,
                consent=True,
                notice="finger_no_match",
                attempts=1,
                verification=(PartyCheck(1, "face", "match", 0.71, 1),),
            ),
        ),
        "confirm": Flow(
            State.CONFIRM,
            replace(
                decided,
                consent=False,
                verification=(PartyCheck(1, "staff", "declined"), PartyCheck(2, "staff", "declined")),
            ),
        ),
        "confirm_photos": Flow(
            State.CONFIRM,
            replace(
                decided,
                consent=True,
                faces=sample_faces(),
                verification=(PartyCheck(1, "face", "match", 0.71, 1), PartyCheck(2, "fingerprint", "match", 96, 1)),
            ),
        ),
        "printing": Flow(State.PRINTING, decided),
        "done": Flow(State.DONE, replace(decided, ticket=ticket)),
        "idle_warning": Flow(State.IDLE_WARNING, decided, resume=State.CONFIRM),
        "device_fault": Flow(
            State.DEVICE_FAULT, decided, Status(devices_down=frozenset({"idcard"})), resume=State.READ_ID_1
        ),
        "printer_problem": Flow(
            State.PRINTER_PROBLEM,
            replace(decided, ticket=ticket, notice="printer_paper_out"),
            Status(printer_ok=False, printer_problem="paper_out"),
        ),
        "backend_offline": Flow(State.BACKEND_OFFLINE, base, Status(backend_online=False)),
        "maintenance_login": Flow(State.MAINTENANCE_LOGIN),
        "maintenance": Flow(State.MAINTENANCE, status=Status(devices_down=frozenset({"camera"}))),
    }
    return flows
