from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as s

from kiosk.config import load_offices, load_policy
from kiosk.domain.ticket import build_ticket, format_number, offline_share, parse_number, parse_qr

OFFICE = load_offices()["441621"]
POLICY = load_policy("heyuan-citywide-2021")
WHEN = datetime(2026, 11, 26, 9, 41)


def make(**kw):
    args = dict(office=OFFICE, policy=POLICY, business="marriage", number="A012", ticket_id="T-0012",
                issued_at=WHEN, waiting_ahead=5,
                parties=[("张三丰", "441621199005011234"), ("欧阳娜娜", "44162119920304234X")])
    args.update(kw)
    return build_ticket(**args)


def test_content_from_office_policy_and_arguments():
    t = make(priority=True)
    assert t.number_text == "A012" and t.number == 12 and t.priority
    assert (t.office_zh, t.office_en) == ("紫金县婚姻登记处", "Zijin County Marriage Registration Office")
    assert (t.business_zh, t.business_en) == ("结婚登记", "Marriage registration")
    assert t.bring_zh == tuple(POLICY.business["marriage"].bring.zh)
    assert t.bring_en == tuple(POLICY.business["marriage"].bring.en)
    assert t.issued_at == WHEN and t.waiting_ahead == 5 and not t.offline


def test_only_masked_personal_data_is_kept():
    t = make()
    assert [(p.name, p.id_tail) for p in t.parties] == [("张*丰", "**************1234"),
                                                        ("欧**娜", "**************234X")]
    assert "三" not in repr(t) and "19900501" not in repr(t) and "阳娜" not in repr(t)


def test_qr_identifies_the_ticket():
    t = make()
    assert t.qr_payload == "TK1:441621:20261126:A012:T-0012"
    q = parse_qr(t.qr_payload)
    assert (q.office, q.date, q.number, q.ticket_id) == ("441621", "20261126", "A012", "T-0012")
    assert parse_qr("TK1:441621:2026:A012:x") is None and parse_qr("MR1:whatever") is None


def test_offline_mark_follows_the_kiosks_range():
    assert make(number=750).offline and make(number="A999").offline
    assert not make(number=699).offline
    assert make(number=12, offline=True).offline


@pytest.mark.parametrize("value,expected", [("A012", 12), ("a12", 12), ("12", 12), (12, 12), (" A7 ", 7)])
def test_parse_number(value, expected):
    assert parse_number(value, "A") == expected


@pytest.mark.parametrize("value", ["B012", "A-1", "", "AB", "A1234567"])
def test_parse_number_rejects(value):
    with pytest.raises(ValueError):
        parse_number(value, "A")


@given(s.integers(0, 999), s.sampled_from(["A", "B", "F"]))
def test_number_text_round_trips(n, prefix):
    assert parse_number(format_number(prefix, n), prefix) == n


@pytest.mark.parametrize("bad", [dict(business="wedding"), dict(ticket_id="has:colon"), dict(ticket_id=""),
                                 dict(waiting_ahead=-1), dict(number="B012")])
def test_bad_arguments_raise(bad):
    with pytest.raises(ValueError):
        make(**bad)


def test_every_business_builds():
    for business, rng in OFFICE.tickets.items():
        t = make(business=business, number=rng.first)
        assert t.number_text.startswith(rng.prefix) and t.bring_zh


@given(s.integers(0, 900), s.integers(0, 400), s.integers(1, 12))
def test_offline_shares_cut_the_range_into_disjoint_parts(first, size, parts):
    from kiosk.config import TicketRange

    rng = TicketRange(prefix="A", first=first + 500, last=first + 500, offline_first=first,
                      offline_last=first + size - 1 if size else first)
    size = rng.offline_last - rng.offline_first + 1
    if size < parts:
        with pytest.raises(ValueError):
            [offline_share(rng, f"{k}/{parts}") for k in range(1, parts + 1)]
        return
    numbers = []
    for k in range(1, parts + 1):
        lo, hi = offline_share(rng, f"{k}/{parts}")
        assert hi - lo + 1 >= size // parts
        numbers += range(lo, hi + 1)
    assert numbers == list(range(rng.offline_first, rng.offline_last + 1))   # every number, once, in order
