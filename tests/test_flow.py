"""The applicant flow machine: journeys, and properties over any sequence of events."""

from dataclasses import dataclass, replace
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.domain.appointment import Appointment, BookedParty
from kiosk.domain.appointment_qr import make_appointment_qr
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.verification import FingerOutcome, PartyCheck
from kiosk.flow import S, Flow, FlowEnv, Session, step, timer_for
from kiosk.flow.actions import _basis
from kiosk.flow.events import (
    AppointmentFound,
    AppointmentNotFound,
    Back,
    BackendDown,
    BackendUp,
    CallStaff,
    Cancel,
    CardRead,
    CardRemoved,
    ChooseBusiness,
    ChooseService,
    Confirm,
    Consent,
    Continue,
    DeviceFault,
    DeviceRecovered,
    FaceCaptured,
    Finish,
    Idle,
    MaintenanceRequested,
    NewDay,
    PhoneCodeEntered,
    PinResult,
    PrinterReport,
    PrintFinished,
    QrScanned,
    RetakeFace,
    FingerChecked,
    SetLanguage,
    SkipFace,
    SkipFinger,
    StaffCalled,
    StaffCallStatus,
    Start,
    TicketIssued,
    TicketRefused,
    Timeout,
    ToggleLargeText,
    UseIdCard,
)
from kiosk.flow.progress import journey_steps
from kiosk.flow.effects import (
    CaptureFace,
    CheckFinger,
    StopIdentity,
    CallForAssistance,
    FollowStaffCall,
    IssueTicket,
    LookupAppointment,
    PrintTicket,
    SessionEnded,
)

from .domain.cases import CITYWIDE, NATIONAL, OFFICES, POLICIES, REST_DAYS, id_number

TODAY = date(2024, 11, 26)  # under the 2021 city-wide plan
ENV = FlowEnv(CITYWIDE, OFFICES, "441621", TODAY)
HIM = IdCardRecord(
    card_type="resident_id",
    name="张三丰",
    sex="male",
    birth="1990-05-01",
    address="广东省紫金县紫城镇永安路2号",
    id_number=id_number("441621", date(1990, 5, 1), "male"),
    valid_until="long_term",
)
HER = IdCardRecord(
    card_type="resident_id",
    name="李四娘",
    sex="female",
    birth="1993-08-08",
    address="湖南省长沙市岳麓区8号",
    id_number=id_number("430104", date(1993, 8, 8), "female"),
    valid_until="2030-01-01",
)
OUTSIDER = replace(HIM, address="湖南省长沙市岳麓区9号", id_number=id_number("430104", date(1990, 5, 1), "male"))
TOKEN = "ABCDEFGHIJKLMN23"
BOOKING = Appointment(
    "ap-1", "441621", "marriage", token=TOKEN, parties=(BookedParty(HIM.id_number), BookedParty(HER.id_number))
)


@dataclass
class Face:
    """What the face session hands the flow: the comparison's verdict (the photo itself does not matter here)."""

    verdict: str
    score: float | None = None
    reason: str = ""
    party: int = 0

    def wipe(self) -> None:
        pass


def run(events, flow=Flow(), env=ENV):
    """Step through `events`. A photo's outcome is shown until the shell's timer fires (Timeout after
    face_outcome_s): that Timeout follows each FaceCaptured here (tests of the showing itself step it by hand)."""
    effects = []
    for e in events:
        flow, fx = step(flow, e, env)
        effects += fx
        if isinstance(e, FaceCaptured) and flow.session.face_shown is not None:
            flow, fx = step(flow, Timeout(), env)
            effects += fx
    return flow, effects


def test_booked_couple_walks_to_a_printed_ticket():
    flow, fx = run([Start(), ChooseService("booked"), QrScanned(make_appointment_qr("441621", TOKEN))])
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
    assert [type(x).__name__ for x in fx[:4]] == ["CaptureFace", "StopIdentity", "CaptureFace", "StopIdentity"]
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
    flow, fx = run([Start(), ChooseService("booked"), QrScanned("hello")])
    assert (flow.session.notice, fx) == ("qr_unknown", [])
    good = make_appointment_qr("441621", TOKEN)
    flow, _ = run([QrScanned(good[:-1] + ("0" if good[-1] != "0" else "1"))], flow)
    assert flow.session.notice == "qr_garbled"
    used = run([QrScanned(good), AppointmentFound(BOOKING), Cancel()])[0]
    flow, fx = run([QrScanned(good)], used)
    assert (flow.session.notice, fx) == ("qr_replayed", [])


@pytest.mark.parametrize("day,decision", [(date(2025, 5, 9), "refuse"), (date(2025, 5, 10), "accept")])
def test_with_policy_auto_the_flow_decides_by_the_policy_in_force_on_its_day(day, decision):
    from dataclasses import replace

    env = replace(ENV, policy=NATIONAL, today=day, policies=POLICIES, rest_days=REST_DAYS)
    flow, _ = run(
        [Start(), ChooseService("walk_in"), ChooseBusiness("marriage"), CardRead(OUTSIDER), CardRead(HER)], env=env
    )
    assert flow.session.decision.decision == decision


def test_walk_in_with_no_local_party_is_refused_and_cannot_print():
    flow, _ = run([Start(), ChooseService("walk_in"), ChooseBusiness("marriage"), CardRead(OUTSIDER), CardRead(HER)])
    assert flow.state == S.ELIGIBILITY and flow.session.decision.decision == "refuse"
    flow2, _ = run([Continue(), Confirm()], flow)
    assert flow2.state == S.ELIGIBILITY
    flow, fx = run([Finish()], flow)
    assert flow.state == S.ATTRACT and fx[-1].outcome == "refuse"


def test_hukou_office_only_business_redirects():
    flow, _ = run(
        [
            Start(),
            ChooseService("other"),
            ChooseBusiness("reissue_certificate"),
            CardRead(replace(HIM, address="广东省河源市龙川县老隆镇")),
        ]
    )
    d = flow.session.decision
    assert (flow.state, d.decision, d.offices) == (S.ELIGIBILITY, "redirect", ("441622",))


def test_booking_at_another_office_redirects_there():
    flow, _ = run([Start(), ChooseService("booked"), AppointmentFound(replace(BOOKING, office="441622"))])
    assert flow.state == S.ELIGIBILITY and flow.session.decision.reasons == ("booked_elsewhere",)


def test_a_used_booking_is_recognised_at_the_scan_with_the_number_already_held():
    # It went through cards, consent and three face tries before "此预约已签到".
    used = replace(BOOKING, checked_in=True, ticket_number="A001")
    flow, _ = run([Start(), ChooseService("booked")])
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
    lost = run([Start(), ChooseService("booked"), AppointmentFound(replace(BOOKING, checked_in=True))])[0]
    assert lost.session.decision.reasons == ("already_checked_in", "ticket_not_held")


def test_a_walk_in_couple_who_already_hold_a_number_are_told_it():
    flow, _ = run(
        [
            Start(),
            ChooseService("walk_in"),
            ChooseBusiness("marriage"),
            CardRead(HIM),
            CardRead(HER),
            Continue(),
            Consent(False),
            Confirm(),
            TicketRefused("ticket_already_issued", "A002"),
        ]
    )
    d = flow.session.decision
    assert flow.state == S.ELIGIBILITY and d.reasons == ("ticket_already_issued", "ticket_held")
    assert d.message["zh"] == "您二位今天已经取过号。您的号码是 A002，请留意叫号屏，无需再次取号。"


def test_cards_must_be_the_booked_parties_and_not_read_twice():
    flow, _ = run([Start(), ChooseService("booked"), AppointmentFound(BOOKING), CardRead(OUTSIDER)])
    assert (flow.state, flow.session.notice) == (S.READ_ID_1, "card_not_in_booking")
    flow, _ = run([CardRead(HIM), CardRemoved(), CardRead(HIM)], flow)
    assert (flow.state, flow.session.notice) == (S.READ_ID_2, "card_already_read")


def test_find_booking_by_id_card():
    flow, fx = run([Start(), ChooseService("booked"), UseIdCard(), CardRead(HIM)])
    assert flow.state == S.READ_ID_1 and fx == [LookupAppointment(id_number=HIM.id_number)]
    flow, _ = run([AppointmentFound(BOOKING)], flow)
    assert flow.state == S.READ_ID_2 and len(flow.session.cards) == 1
    flow, _ = run([CardRead(HER)], flow)
    assert flow.session.decision.decision == "accept"


def test_lookup_while_backend_down_offers_walk_in():
    flow, _ = run(
        [Start(), ChooseService("booked"), PhoneCodeEntered("13800000000", "123456"), AppointmentNotFound("offline")]
    )
    assert flow.state == S.BACKEND_OFFLINE
    flow, _ = run([Continue()], flow)
    assert flow.state == S.CHOOSE_BUSINESS and flow.session.service == "walk_in"


def test_declining_face_capture_still_gets_a_ticket():
    flow, _ = run(
        [
            Start(),
            ChooseService("walk_in"),
            ChooseBusiness("marriage"),
            CardRead(HIM),
            CardRead(HER),
            Continue(),
            Consent(False),
        ]
    )
    assert flow.state == S.CONFIRM and flow.session.consent is False and flow.session.faces == ()


def test_printer_problem_keeps_the_number_on_screen():
    flow, _ = run(
        [
            Start(),
            ChooseService("walk_in"),
            ChooseBusiness("marriage"),
            CardRead(HIM),
            CardRead(HER),
            Continue(),
            Consent(False),
            Confirm(),
            TicketIssued({"number": "A007"}),
            PrintFinished(False, "paper_out"),
        ]
    )
    assert flow.state == S.PRINTER_PROBLEM and flow.session.ticket["number"] == "A007"
    assert flow.session.notice == "printer_paper_out" and not flow.status.printer_ok
    flow, fx = run([Timeout()], flow)
    assert flow.state == S.ATTRACT and fx[-1].outcome == "ticket_not_printed"


def test_quota_exhausted_goes_to_staff():
    flow, _ = run(
        [
            Start(),
            ChooseService("walk_in"),
            ChooseBusiness("marriage"),
            CardRead(HIM),
            CardRead(HER),
            Continue(),
            Consent(False),
            Confirm(),
            TicketRefused("quota_exhausted"),
        ]
    )
    assert flow.state == S.ELIGIBILITY and flow.session.decision.reasons == ("quota_exhausted",)


def test_idle_warning_resumes_or_wipes():
    flow, _ = run([Start(), ChooseService("walk_in"), ChooseBusiness("marriage"), CardRead(HIM), Idle()])
    assert flow.state == S.IDLE_WARNING and flow.resume == S.READ_ID_2
    assert run([Continue()], flow)[0].state == S.READ_ID_2
    flow, fx = run([Timeout()], flow)
    assert flow.state == S.ATTRACT and flow.session == Session() and fx[-1].outcome == "timed_out"


def test_calling_staff_keeps_the_session_and_lengthens_the_idle_time():
    flow, _ = run([Start(), ChooseService("walk_in"), ChooseBusiness("marriage"), CardRead(HIM)])
    flow, fx = run([CallStaff()], flow)
    assert fx == [CallForAssistance("read_id_2", "marriage")]  # the screen and business, nobody's data
    assert flow.state == S.READ_ID_2 and flow.session.assistance == "calling" and flow.session.cards
    assert run([CallStaff()], flow)[1] == []  # one call at a time
    flow, fx = run([StaffCalled(True, 7)], flow)
    assert flow.session.assistance == "sent" and fx == [FollowStaffCall(7)]  # sent: not yet taken by anyone
    assert run([CallStaff()], flow)[1] == []
    flow, fx = run([StaffCallStatus(7, "open")], flow)
    assert flow.session.assistance == "sent" and fx == [FollowStaffCall(7)]  # asked again
    flow, fx = run([StaffCallStatus(7, "unknown")], flow)
    assert flow.session.assistance == "sent" and fx == [FollowStaffCall(7)]  # offline a while: still asked
    assert run([StaffCallStatus(8, "acknowledged")], flow) == (flow, [])  # another session's call
    flow, fx = run([StaffCallStatus(7, "acknowledged")], flow)
    assert flow.session.assistance == "on_the_way" and fx == []  # a person took it: only now "on the way"
    seconds = {**SECONDS, "assisted_idle_s": 300}
    assert timer_for(flow.state, seconds) == (Idle, 60)
    assert timer_for(flow.state, seconds, assisted=True) == (Idle, 300)
    flow, _ = run([Idle()], flow)  # the warning still screens the wipe
    assert flow.state == S.IDLE_WARNING and flow.session.cards
    assert run([CallStaff()], flow)[1] == []
    flow, fx = run([Cancel()], flow)
    assert flow.session.assistance == "" and flow.session.is_empty


def test_a_call_that_only_reached_the_journal_may_be_repeated():
    flow, _ = run([Start(), CallStaff(), StaffCalled(False)])
    assert flow.session.assistance == "offline"
    flow, fx = run([Idle(), CallStaff()], flow)
    assert fx == [CallForAssistance("service_menu", None)]  # from the idle warning: where they were
    assert run([CallStaff()])[1] == []  # nobody at the attract screen


def test_the_step_bar_follows_the_business_variant():
    from dataclasses import replace

    flow, _ = run([Start(), ChooseService("booked")])
    assert journey_steps(flow, ENV) == (("check_in", "read_id", "face", "ticket"), 0)
    flow, _ = run([Start(), ChooseService("walk_in"), ChooseBusiness("marriage"), CardRead(HIM), Idle()])
    assert journey_steps(flow, ENV) == (("choose", "read_id", "face", "ticket"), 1)  # the paused step
    flow, _ = run([Continue(), CardRead(HER), Continue(), Consent(False)], flow)
    # declining the photo passes its step: the bar does not shrink from 4 to 3 mid-journey
    assert flow.state == S.CONFIRM and journey_steps(flow, ENV) == (("choose", "read_id", "face", "ticket"), 3)
    flow, _ = run([Confirm(), TicketRefused("quota_exhausted")], flow)
    assert flow.state == S.ELIGIBILITY and journey_steps(flow, ENV)[1] == 3  # no jump back from 4 to 2
    no_face = replace(ENV, face_enabled=False)
    assert journey_steps(run([Start()])[0], no_face)[0] == ("check_in", "read_id", "ticket")
    assert journey_steps(Flow(), ENV) == ((), -1)


def test_every_applicant_screen_has_its_step_and_its_prompt():
    from kiosk.flow import APPLICANT_STATES
    from kiosk.flow.progress import STEP_OF
    from kiosk.ui.voice import ON_ENTER

    pauses = {S.IDLE_WARNING, S.DEVICE_FAULT}  # they show the step they interrupted
    assert set(APPLICANT_STATES) - pauses <= set(STEP_OF), "a new screen needs its step (kiosk/flow/progress.py)"
    assert set(APPLICANT_STATES) <= set(ON_ENTER), "a new screen needs its spoken prompt (kiosk/ui/voice.py)"


def test_card_reader_fault_pauses_and_recovers():
    flow, _ = run([Start(), ChooseService("walk_in"), ChooseBusiness("marriage"), DeviceFault("idcard", "unplugged")])
    assert flow.state == S.DEVICE_FAULT
    flow, _ = run([DeviceRecovered("idcard")], flow)
    assert flow.state == S.READ_ID_1 and not flow.status.devices_down


def test_entering_a_state_whose_device_is_down_shows_the_fault():
    flow, _ = run(
        [
            DeviceFault("camera"),
            Start(),
            ChooseService("walk_in"),
            ChooseBusiness("marriage"),
            CardRead(HIM),
            CardRead(HER),
            Continue(),
            Consent(True),
        ]
    )
    assert flow.state == S.DEVICE_FAULT and flow.resume == S.FACE_1
    flow, _ = run([SkipFace()], flow)
    assert flow.state == S.CONFIRM
    assert [c.verified_by for c in flow.session.verification] == ["staff", "staff"]


def test_language_and_large_text_reset_after_the_session():
    flow, _ = run([SetLanguage("en"), ToggleLargeText(), Start()])
    assert flow.session.language == "en" and flow.session.large_text
    flow, _ = run([Cancel()], flow)
    assert flow.session == Session()


def test_only_the_offered_languages_and_each_session_starts_in_the_first():
    from dataclasses import replace

    english_first = replace(ENV, languages=("en", "zh"))
    flow, _ = run([Start(), SetLanguage("zh")], Flow(session=Session(language="en")), english_first)
    assert flow.session.language == "zh"
    flow, _ = run([Cancel()], flow, english_first)
    assert flow.session.language == "en" and flow.session.is_empty
    chinese_only = replace(ENV, languages=("zh",))
    assert run([SetLanguage("en")], env=chinese_only)[0].session.language == "zh"


def test_maintenance_needs_the_pin():
    flow, _ = run([MaintenanceRequested(), PinResult(False)])
    assert (flow.state, flow.session.notice) == (S.MAINTENANCE_LOGIN, "pin_rejected")
    flow, _ = run([PinResult(True)], flow)
    assert flow.state == S.MAINTENANCE
    assert run([Idle()], flow)[0].state == S.ATTRACT


# --- properties over any sequence of events -----------------------------------------------------------------

GOOD_QR = make_appointment_qr("441621", TOKEN)
EVENTS = st.sampled_from(
    [
        Start(),
        ChooseService("booked"),
        ChooseService("walk_in"),
        ChooseService("other"),
        ChooseService("guide"),
        ChooseBusiness("marriage"),
        ChooseBusiness("divorce_application"),
        ChooseBusiness("archive_query"),
        ChooseBusiness("reissue_certificate"),
        QrScanned(GOOD_QR),
        QrScanned("junk"),
        PhoneCodeEntered("1", "2"),
        UseIdCard(),
        AppointmentFound(BOOKING),
        AppointmentFound(replace(BOOKING, office="441602")),
        AppointmentNotFound("not_found"),
        AppointmentNotFound("offline"),
        CardRead(HIM),
        CardRead(HER),
        CardRead(OUTSIDER),
        CardRead(IdCardRecord("resident_id", name="", sex="unknown", birth="", id_number="")),
        CardRemoved(),
        Consent(True),
        Consent(False),
        FaceCaptured(Face("match", 0.8)),
        FaceCaptured(Face("no_match", 0.1)),
        FaceCaptured(Face("unavailable")),
        FaceCaptured(None),
        FingerChecked(FingerOutcome.MATCH, 96),
        FingerChecked(FingerOutcome.NO_MATCH, 8),
        FingerChecked(FingerOutcome.NO_FINGER),
        SkipFinger(),
        DeviceFault("fingerprint"),
        SkipFace(),
        RetakeFace(),
        Continue(),
        Back(),
        Confirm(),
        Finish(),
        Idle(),
        Timeout(),
        TicketIssued({"number": "A001"}),
        TicketRefused("quota_exhausted"),
        PrintFinished(True),
        PrintFinished(False, "paper_out"),
        DeviceFault("idcard"),
        DeviceFault("camera"),
        DeviceRecovered("idcard"),
        DeviceRecovered("camera"),
        BackendDown(),
        BackendUp(),
        PrinterReport(False, "near_end"),
        PrinterReport(True),
        SetLanguage("en"),
        ToggleLargeText(),
        MaintenanceRequested(),
        PinResult(True),
        PinResult(False),
        NewDay(date(2026, 11, 27)),
        CallStaff(),
        StaffCalled(True, 3),
        StaffCalled(False),
        StaffCallStatus(3, "acknowledged"),
    ]
)


SECONDS = {
    "idle_s": 60,
    "idle_warning_s": 25,
    "printing_s": 30,
    "done_s": 20,
    "printer_problem_s": 60,
    "maintenance_login_s": 60,
    "maintenance_idle_s": 120,
    "assisted_idle_s": 300,
}


@settings(max_examples=400, deadline=None)
@given(st.lists(EVENTS, max_size=40), st.sampled_from([Cancel(), Timeout()]), st.booleans())
def test_any_path_ends_at_attract_with_nothing_left_and_prints_only_when_accepted(events, ending, fingerprint):
    flow = Flow()
    env = replace(ENV, fingerprint=fingerprint)
    for e in events:
        flow, fx = step(flow, e, env)
        if any(isinstance(x, IssueTicket) for x in fx):  # every party ends verified one way or another
            assert [c.party for c in flow.session.verification] == list(range(1, len(flow.session.cards) + 1))
        assert timer_for(flow.state, SECONDS, bool(flow.session.assistance)) is not None or flow.state == S.ATTRACT
        steps, current = journey_steps(flow, env)
        assert (not steps) == (flow.state in (S.ATTRACT, S.MAINTENANCE, S.MAINTENANCE_LOGIN))
        assert current < len(steps) and (not steps or steps[-1] == "ticket")
        assert not any(
            isinstance(x, CallForAssistance) and (x.screen == "attract" or "maintenance" in x.screen) for x in fx
        )
        # a capture runs only in a face state, a finger check only in a finger state, for that state's party
        for x in fx:
            if isinstance(x, (CaptureFace, CheckFinger)):
                assert flow.state.value == f"{'face' if isinstance(x, CaptureFace) else 'finger'}_{x.party}"
        if flow.state == S.PRINTING or any(isinstance(x, IssueTicket) for x in fx):
            assert flow.session.decision is not None and flow.session.decision.decision == "accept"
        if flow.state == S.ATTRACT:
            assert flow.session.is_empty or flow.session.cards == () and flow.session.decision is None
    for _ in range(3):  # cancel; or let the shell's timers run out (idle → warning → timeout)
        timer = timer_for(flow.state, SECONDS)
        event = ending if isinstance(ending, Cancel) else timer[0]() if timer else ending
        flow, _ = step(flow, event, env)
    assert flow.state == S.ATTRACT
    assert flow.session.cards == () and flow.session.faces == () and flow.session.appointment is None
    assert flow.session.decision is None and flow.session.ticket is None


def test_flow_picture_in_docs_is_current():
    from pathlib import Path

    from kiosk.flow.diagram import mermaid

    committed = (Path(__file__).resolve().parent.parent / "docs" / "flow.md").read_text(encoding="utf-8")
    assert committed == mermaid(), "docs/flow.md is stale: run `python -m kiosk.flow.diagram > docs/flow.md`"


# --- identity verification, party by party ----------------------------------------------------------------

FP = b"\x01" * 1024  # two 512-byte templates read with 30 10
ENV_FP = replace(ENV, fingerprint=True)


def _to_consent(env=ENV, him=HIM, her=HER):
    return run(
        [Start(), ChooseService("walk_in"), ChooseBusiness("marriage"), CardRead(him), CardRead(her), Continue()],
        env=env,
    )[0]


def _checks(flow):
    return [(c.verified_by, c.result, c.attempts) for c in flow.session.verification]


def test_no_match_retakes_up_to_the_limit_then_the_counter():
    flow = run([Consent(True)], _to_consent())[0]
    flow, _ = run([FaceCaptured(Face("no_match", 0.1))], flow)
    assert (flow.state, flow.session.notice, flow.session.attempts) == (S.FACE_1, "verify_no_match", 1)
    flow, _ = run([FaceCaptured(Face("no_match", 0.12)), FaceCaptured(Face("no_match", 0.11))], flow)
    assert flow.state == S.FACE_2 and _checks(flow) == [("staff", "no_match", 3)]
    flow, _ = run([FaceCaptured(Face("match", 0.7))], flow)
    assert flow.state == S.CONFIRM and _checks(flow) == [("staff", "no_match", 3), ("face", "match", 1)]
    flow, fx = run([Confirm(), TicketIssued({"number": "A001"})], flow)
    assert [x.staff_check for x in fx if isinstance(x, PrintTicket)] == [True]


def test_unavailable_reference_goes_to_the_fallback_at_once():
    flow = run([Consent(True), FaceCaptured(Face("unavailable"))], _to_consent())[0]
    assert flow.state == S.FACE_2 and _checks(flow) == [("staff", "unavailable", 1)]


def test_same_face_for_party_two_is_a_no_match_with_its_own_notice():
    flow = run(
        [Consent(True), FaceCaptured(Face("match", 0.8)), FaceCaptured(Face("no_match", 0.9, "same_face"))],
        _to_consent(),
    )[0]
    assert (flow.state, flow.session.notice) == (S.FACE_2, "verify_same_face")


def test_fingerprint_fallback_when_the_card_holds_templates():
    him, her = replace(HIM, fingerprints=FP), replace(HER)
    flow = run([Consent(True)] + [FaceCaptured(Face("no_match", 0.1))] * 3, _to_consent(ENV_FP, him, her), ENV_FP)[0]
    assert flow.state == S.FINGER_1 and flow.session.verification == ()
    flow, _ = run([FingerChecked(FingerOutcome.NO_FINGER), FingerChecked(FingerOutcome.MATCH, 96)], flow, ENV_FP)
    assert flow.state == S.FACE_2 and _checks(flow) == [("fingerprint", "match", 2)]
    flow, _ = run([SkipFace()], flow, ENV_FP)  # no templates on her card: straight to the counter
    assert flow.state == S.CONFIRM and _checks(flow)[1] == ("staff", "skipped", 0)


def test_declined_consent_uses_the_fingerprint_else_the_counter():
    him = replace(HIM, fingerprints=FP)
    flow = run([Consent(False)], _to_consent(ENV_FP, him, replace(HER, fingerprints=FP)), ENV_FP)[0]
    assert flow.state == S.FINGER_1
    flow, _ = run([FingerChecked(FingerOutcome.NO_MATCH, 8)] * 3, flow, ENV_FP)
    assert flow.state == S.FINGER_2 and _checks(flow) == [("staff", "no_match", 3)]
    flow, _ = run([SkipFinger()], flow, ENV_FP)
    assert flow.state == S.CONFIRM
    flow = run([Consent(False)], _to_consent())[0]
    assert flow.state == S.CONFIRM and _checks(flow) == [("staff", "declined", 0)] * 2


def test_the_typed_changes_name_every_field_of_session_and_status():
    from dataclasses import fields

    from kiosk.flow.state import SessionChanges, Status, StatusChanges

    assert set(SessionChanges.__annotations__) == {f.name for f in fields(Session)}
    assert set(StatusChanges.__annotations__) == {f.name for f in fields(Status)}


def _kinds(fx):
    return [type(x).__name__ for x in fx]


def test_a_photos_outcome_is_shown_until_the_shells_timer_then_acted_on():
    flow, fx = step(run([], _to_consent())[0], Consent(True), ENV)
    assert flow.state == S.FACE_1 and _kinds(fx) == ["CaptureFace"] and fx[0].card == HIM
    shown = Face("no_match", 0.1, party=1)
    flow, fx = step(flow, FaceCaptured(shown), ENV)
    assert (flow.state, flow.session.face_shown, fx) == (S.FACE_1, shown, ())
    assert timer_for(flow.state, SECONDS, outcome_shown=True) == (Timeout, 1.8)  # FACE_OUTCOME_S
    assert step(flow, FaceCaptured(Face("match", 0.9)), ENV)[0] == flow  # a second answer while shown: ignored
    assert step(flow, RetakeFace(), ENV)[0] == flow  # no retake while the outcome is up: the flow moves on itself
    flow, fx = step(flow, Timeout(), ENV)
    assert (flow.state, flow.session.attempts, flow.session.face_shown) == (S.FACE_1, 1, None)
    assert _kinds(fx) == ["CaptureFace"] and flow.session.faces == (shown,)  # a fresh capture for the retake


def test_leaving_the_face_step_stops_the_capture_and_keeps_the_shown_result_for_the_wipe():
    flow = run([Consent(True)], _to_consent())[0]
    shown = Face("no_match", 0.1, party=1)
    flow, _ = step(flow, FaceCaptured(shown), ENV)
    flow, fx = step(flow, SkipFace(), ENV)
    assert flow.state == S.FACE_2 and _kinds(fx) == ["StopIdentity", "CaptureFace"] and fx[1].party == 2
    assert flow.session.face_shown is None and flow.session.faces == (shown,)  # wiped at the session's end
    for leave in (Cancel(), Idle()):
        assert _kinds(step(flow, leave, ENV)[1])[:1] == ["StopIdentity"]
    warned, _ = step(flow, Idle(), ENV)
    back, fx = step(warned, Continue(), ENV)
    assert back.state == S.FACE_2 and _kinds(fx) == ["CaptureFace"]  # back from the idle warning: a new capture


def test_a_retake_while_capturing_asks_for_a_fresh_capture_without_counting_a_try():
    flow = run([Consent(True)], _to_consent())[0]
    flow2, fx = step(flow, RetakeFace(), ENV)
    assert flow2 == flow and _kinds(fx) == ["CaptureFace"] and CaptureFace.ends == StopIdentity.ends


def test_each_finger_try_asks_for_a_check_and_leaving_stops_it():
    him = replace(HIM, fingerprints=FP)
    flow, fx = run([Consent(False)], _to_consent(ENV_FP, him, HER), ENV_FP)
    assert flow.state == S.FINGER_1 and _kinds(fx) == ["CheckFinger"] and fx[0].card == him
    flow, fx = step(flow, FingerChecked(FingerOutcome.NO_FINGER), ENV_FP)
    assert _kinds(fx) == ["CheckFinger"]
    flow, fx = step(flow, SkipFinger(), ENV_FP)
    assert flow.state == S.CONFIRM and _kinds(fx) == ["StopIdentity"]
