"""Walk-in cases: the decision on the cards read, and what happens to the ticket after it."""

from dataclasses import replace
from datetime import date

import pytest

from kiosk.flow import S
from kiosk.flow.events import (
    CardRead,
    ChooseBusiness,
    ChooseService,
    Confirm,
    Continue,
    Finish,
    PrintFinished,
    Start,
    TicketIssued,
    TicketRefused,
    Timeout,
)

from ..domain.cases import NATIONAL, POLICIES, REST_DAYS
from .helpers import ENV, HER, HIM, NO_PHOTOS, OUTSIDER, WALK_IN_MARRIAGE, run


@pytest.mark.parametrize("day,decision", [(date(2025, 5, 9), "refuse"), (date(2025, 5, 10), "accept")])
def test_with_policy_auto_the_flow_decides_by_the_policy_in_force_on_its_day(day, decision):
    env = replace(ENV, policy=NATIONAL, today=day, policies=POLICIES, rest_days=REST_DAYS)
    flow, _ = run([*WALK_IN_MARRIAGE, CardRead(OUTSIDER), CardRead(HER)], env=env)
    assert flow.session.decision.decision == decision


def test_walk_in_with_no_local_party_is_refused_and_cannot_print():
    flow, _ = run([*WALK_IN_MARRIAGE, CardRead(OUTSIDER), CardRead(HER)])
    assert flow.state == S.ELIGIBILITY and flow.session.decision.decision == "refuse"
    flow2, _ = run([Continue(), Confirm()], flow)
    assert flow2.state == S.ELIGIBILITY
    flow, fx = run([Finish()], flow)
    assert flow.state == S.ATTRACT and fx[-1].outcome == "refuse"


def test_hukou_office_only_business_redirects():
    moved = replace(HIM, address="广东省河源市龙川县老隆镇")
    flow, _ = run([Start(), ChooseService("other"), ChooseBusiness("reissue_certificate"), CardRead(moved)])
    d = flow.session.decision
    assert (flow.state, d.decision, d.offices) == (S.ELIGIBILITY, "redirect", ("441622",))


@pytest.mark.parametrize(
    "refusal,reasons,told",
    [
        (TicketRefused("quota_exhausted"), ("quota_exhausted",), "今日现场取号名额已满"),
        # a couple who already hold a number today are told that number, and nothing else: it is theirs
        (
            TicketRefused("ticket_already_issued", "A002"),
            ("ticket_already_issued", "ticket_held"),
            "您二位今天已经取过号。您的号码是 A002，请留意叫号屏，无需再次取号。",
        ),
    ],
)
def test_a_refused_ticket_goes_back_to_the_decision_with_the_reason(refusal, reasons, told):
    flow, _ = run([*NO_PHOTOS, Confirm(), refusal])
    d = flow.session.decision
    assert flow.state == S.ELIGIBILITY and d.reasons == reasons and told in d.message["zh"]


def test_printer_problem_keeps_the_number_on_screen():
    flow, _ = run([*NO_PHOTOS, Confirm(), TicketIssued({"number": "A007"}), PrintFinished(False, "paper_out")])
    assert flow.state == S.PRINTER_PROBLEM and flow.session.ticket["number"] == "A007"
    assert flow.session.notice == "printer_paper_out" and not flow.status.printer_ok
    flow, fx = run([Timeout()], flow)
    assert flow.state == S.ATTRACT and fx[-1].outcome == "ticket_not_printed"
