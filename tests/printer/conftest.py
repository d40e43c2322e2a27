from datetime import datetime

import pytest

from kiosk.config import load_offices, load_policy
from kiosk.domain.ticket import build_ticket

WHEN = datetime(2026, 11, 26, 9, 41)


def make_ticket(**kw):
    args = dict(
        office=load_offices()["441621"],
        policy=load_policy("heyuan-citywide-2021"),
        business="marriage",
        number="A012",
        ticket_id="T20261126-0012",
        issued_at=WHEN,
        waiting_ahead=5,
        priority=True,
        parties=[("张三丰", "441621199005011234"), ("李䶮堃", "441621199203042345")],
    )
    args.update(kw)
    return build_ticket(**args)


@pytest.fixture
def ticket():
    return make_ticket()


@pytest.fixture(name="make_ticket")
def make_ticket_fixture():
    return make_ticket
