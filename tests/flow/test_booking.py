"""Booked couples: the booking found by QR code, phone code or ID card, and the checks on it."""

from dataclasses import replace

from kiosk.domain.appointment_qr import make_appointment_qr
from kiosk.domain.verification import PartyCheck
from kiosk.flow import S, Session
from kiosk.flow.actions import _basis
from kiosk.flow.effects import IssueTicket, LookupAppointment, PrintTicket, SessionEnded
from kiosk.flow.events import (
    AppointmentFound,
    AppointmentNotFound,
    Cancel,
    CardRead,
    CardRemoved,
    ChooseService,
    Confirm,
    Consent,
    Continue,
    FaceCaptured,
    Finish,
    PhoneCodeEntered,
    PrintFinished,
    QrScanned,
    Start,
    TicketIssued,
    UseIdCard,
)
from kiosk.flow.progress import journey_steps

from .helpers import BOOKING, ENV, HER, HIM, OUTSIDER, TOKEN, Face, kinds, run

BOOKED = [Start(), ChooseService("booked")]


def test_booked_couple_walks_to_a_printed_ticket():
    flow, fx = run([*BOOKED, QrScanned(make_appointment_qr("441621", TOKEN))])
    assert flow.state == S.APPOINTMENT and fx == [LookupAppointment(token=TOKEN)]
    flow, _ = run([AppointmentFound(BOOKING), CardRead(HIM)], flow)
    assert flow.state == S.READ_ID_2
    flow, _ = run([CardRead(HER)], flow)
    assert flow.state == S.ELIGIBILITY and flow.session.decision.decision == "accept"
    flow, fx = run(
        [
            Continue(),
            Consent(True),
            FaceCaptured(Face("match", 0.8, party=1)),
            FaceCaptured(Face("match", 0.7, party=2)),
            Confirm(),
        ],
        flow,
    )
    assert flow.state == S.PRINTING
    checks = (PartyCheck(1, "face", "match", 0.8, 1), PartyCheck(2, "face", "match", 0.7, 1))
    decision = ("accept", ("local_hukou",), _basis(ENV))  # shown at the counter with the ticket
    assert decision[2] and "婚姻登记" in decision[2][0]
    # each face state asks for its capture on entry and stops it on leaving (the shell's runner carries them out)
    assert kinds(fx[:4]) == ["CaptureFace", "StopIdentity", "CaptureFace", "StopIdentity"]
    assert (fx[0].party, fx[0].card, fx[0].earlier) == (1, HIM, ())
    assert (fx[2].party, fx[2].card, [r.score for r in fx[2].earlier]) == (2, HER, [0.8])  # same face twice: no
    assert fx[4:] == [IssueTicket("marriage", "ap-1", (HIM.id_number, HER.id_number), checks, decision)]
    ticket = {"ticket_id": "t1", "number": "A001"}
    flow, fx = run([TicketIssued(ticket)], flow)
    assert isinstance(fx[0], PrintTicket) and fx[0].ticket == ticket
    flow, fx = run([PrintFinished(True), Finish()], flow)
    assert flow.state == S.ATTRACT and flow.session == Session()
    assert fx == [
        SessionEnded("ticket", "marriage", "accept", ("local_hukou",), ("441621", "outside"), ("face", "face"))
    ]


def test_qr_at_the_attract_screen_starts_a_booked_session():
    flow, fx = run([QrScanned(make_appointment_qr("441621", TOKEN))])
    assert flow.state == S.APPOINTMENT and flow.session.service == "booked"
    assert fx == [LookupAppointment(token=TOKEN)]


def test_unknown_garbled_and_replayed_codes_are_explained():
    flow, fx = run([*BOOKED, QrScanned("hello")])
    assert (flow.session.notice, fx) == ("qr_unknown", [])
    good = make_appointment_qr("441621", TOKEN)
    flow, _ = run([QrScanned(good[:-1] + ("0" if good[-1] != "0" else "1"))], flow)
    assert flow.session.notice == "qr_garbled"
    used = run([QrScanned(good), AppointmentFound(BOOKING), Cancel()])[0]
    flow, fx = run([QrScanned(good)], used)
    assert (flow.session.notice, fx) == ("qr_replayed", [])


def test_booking_at_another_office_redirects_there():
    flow, _ = run([*BOOKED, AppointmentFound(replace(BOOKING, office="441622"))])
    assert flow.state == S.ELIGIBILITY and flow.session.decision.reasons == ("booked_elsewhere",)


def test_a_used_booking_is_recognised_at_the_scan_with_the_number_already_held():
    # It went through cards, consent and three face tries before "此预约已签到".
    used = replace(BOOKING, checked_in=True, ticket_number="A001")
    flow, _ = run(BOOKED)
    flow, _ = run([AppointmentFound(used)], flow)
    d = flow.session.decision
    assert (flow.state, d.decision, d.reasons, d.offices) == (
        S.ELIGIBILITY,
        "staff",
        ("already_checked_in", "ticket_held"),
        (),  # no office card: they stand in it
    )
    assert d.message["zh"] == "此预约已签到。您的号码是 A001，请留意叫号屏，无需再次取号。"
    assert "A001" in d.message["en"] and not flow.session.cards
    assert journey_steps(flow, ENV)[1] == 0  # still at check-in: no card was read
    lost = run([*BOOKED, AppointmentFound(replace(BOOKING, checked_in=True))])[0]
    assert lost.session.decision.reasons == ("already_checked_in", "ticket_not_held")


def test_cards_must_be_the_booked_parties_and_not_read_twice():
    flow, _ = run([*BOOKED, AppointmentFound(BOOKING), CardRead(OUTSIDER)])
    assert (flow.state, flow.session.notice) == (S.READ_ID_1, "card_not_in_booking")
    flow, _ = run([CardRead(HIM), CardRemoved(), CardRead(HIM)], flow)
    assert (flow.state, flow.session.notice) == (S.READ_ID_2, "card_already_read")


def test_find_booking_by_id_card():
    flow, fx = run([*BOOKED, UseIdCard(), CardRead(HIM)])
    assert flow.state == S.READ_ID_1 and fx == [LookupAppointment(id_number=HIM.id_number)]
    flow, _ = run([AppointmentFound(BOOKING)], flow)
    assert flow.state == S.READ_ID_2 and len(flow.session.cards) == 1
    flow, _ = run([CardRead(HER)], flow)
    assert flow.session.decision.decision == "accept"


def test_lookup_while_backend_down_offers_walk_in():
    flow, _ = run([*BOOKED, PhoneCodeEntered("13800000000", "123456"), AppointmentNotFound("offline")])
    assert flow.state == S.BACKEND_OFFLINE
    flow, _ = run([Continue()], flow)
    assert flow.state == S.CHOOSE_BUSINESS and flow.session.service == "walk_in"
