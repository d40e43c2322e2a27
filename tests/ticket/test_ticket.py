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
    args = dict(
        office=OFFICE,
        policy=POLICY,
        business="marriage",
        number="A012",
        ticket_id="T-0012",
        issued_at=WHEN,
        waiting_ahead=5,
        parties=[("张三丰", "441621199005011234"), ("欧阳娜娜", "44162119920304234X")],
    )
    args.update(kw)
    return build_ticket(**args)


def test_content_from_office_policy_and_arguments():
    t = make(priority=True)
    assert t.number_text == "A012" and t.number == 12 and t.priority
    assert (t.office_zh, t.office_en) == ("紫金县婚姻登记处", "Zijin County Marriage Registration Office")
    assert (t.business, t.business_zh, t.business_en) == ("marriage", "结婚登记", "Marriage registration")
    rule = POLICY.business["marriage"]
    assert t.bring_zh == tuple(rule.bring.zh + rule.bring_non_mainland.zh)  # nobody said who they are: all
    assert t.issued_at == WHEN and t.waiting_ahead == 5 and not t.offline
    local = make(non_mainland_parties=False)  # a couple of mainland residents: no HK/Macao/Taiwan documents
    assert local.bring_zh == tuple(rule.bring.zh) and local.bring_en == tuple(rule.bring.en)
    assert not any("港澳台" in x for x in local.bring_zh) and not any("HK" in x for x in local.bring_en)


def test_the_documents_of_non_mainland_parties_are_listed_only_for_them():
    from kiosk.domain.idcard_record import record_from_fields
    from kiosk.domain.ticket import non_mainland

    resident, hmt = record_from_fields({}), record_from_fields({"card_type": "hmt_residence_permit"})
    assert not non_mainland([resident, resident])
    assert non_mainland([resident, hmt])
    assert non_mainland([])  # unknown: list everything


def test_only_masked_personal_data_is_kept():
    t = make()
    assert [(p.name, p.id_tail) for p in t.parties] == [
        ("张*丰", "**************1234"),
        ("欧**娜", "**************234X"),
    ]
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


@pytest.mark.parametrize(
    "bad,message",
    [
        (dict(business="wedding"), "unknown business 'wedding'; known: ['marriage', "),
        (dict(ticket_id="has:colon"), "ticket_id must be 1-48 characters of A-Z a-z 0-9 _ . -"),
        (dict(ticket_id=""), "ticket_id must be 1-48 characters of A-Z a-z 0-9 _ . -"),
        (dict(waiting_ahead=-1), "waiting_ahead must not be negative"),
        (dict(number="B012"), "has prefix B, this business uses 'A'"),
    ],
)
def test_bad_arguments_raise_saying_what_is_wrong(bad, message):
    with pytest.raises(ValueError) as e:
        make(**bad)
    assert message in str(e.value)


def test_every_business_builds():
    for business, rng in OFFICE.tickets.items():
        t = make(business=business, number=rng.first)
        assert t.number_text.startswith(rng.prefix) and t.bring_zh


@given(s.integers(0, 900), s.integers(0, 400), s.integers(1, 12))
def test_offline_shares_cut_the_range_into_disjoint_parts(first, size, parts):
    from kiosk.config import TicketRange

    rng = TicketRange(
        prefix="A",
        first=first + 500,
        last=first + 500,
        offline_first=first,
        offline_last=first + size - 1 if size else first,
    )
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
    assert numbers == list(range(rng.offline_first, rng.offline_last + 1))  # every number, once, in order


# --- edges: which applicant a broken rule would hurt ----------------------------------------------------------


def test_offline_range_is_inclusive_at_both_ends():
    rng = OFFICE.tickets["marriage"]
    assert make(number=rng.offline_first).offline and make(number=rng.offline_last).offline
    assert not make(number=rng.offline_first - 1).offline and not make(number=rng.offline_last + 1).offline
    assert not make(number=rng.offline_first, offline=False).offline


def test_a_ticket_is_not_a_priority_ticket_unless_asked():
    t = build_ticket(office=OFFICE, policy=POLICY, business="marriage", number=12, ticket_id="t", issued_at=WHEN)
    assert (t.priority, t.waiting_ahead, t.parties, t.offline, t.note_zh, t.note_en) == (False, None, (), False, "", "")


def test_nobody_ahead_is_a_valid_ticket_and_unknown_queue_length_too():
    assert make(waiting_ahead=0).waiting_ahead == 0
    assert make(waiting_ahead=None).waiting_ahead is None


def test_ticket_id_edges():
    assert make(ticket_id="a" * 48).ticket_id == "a" * 48
    assert make(ticket_id="A_b.c-9").qr_payload.endswith(":A_b.c-9")
    with pytest.raises(ValueError, match="ticket_id"):
        make(ticket_id="a" * 49)


@pytest.mark.parametrize(
    "value,prefix,expected",
    [(0, "A", 0), ("0", "A", 0), ("b7", "B", 7), ("AB12", "ab", 12), ("999999", "A", 999999), ("\tA 12\n", "A", 12)],
)
def test_parse_number_edges(value, prefix, expected):
    assert parse_number(value, prefix) == expected


@pytest.mark.parametrize(
    "value,message",
    [
        (-1, "not negative"),
        ("B012", "prefix B, this business uses 'A'"),
        ("A", "not a queue number like A012 or 12"),
        ("1234567", "queue number"),
    ],
)
def test_parse_number_says_why(value, message):
    with pytest.raises(ValueError, match=message):
        parse_number(value, "A")


def test_format_number_pads_to_three_digits():
    assert (format_number("A", 7), format_number("", 12), format_number("F", 1234)) == ("A007", "012", "F1234")


def test_no_parties_and_notes_and_a_policy_without_the_business():
    class Policy:
        business = {}

    t = make(parties=[], note_zh="网络中断", note_en="offline", policy=Policy())
    assert (t.parties, t.bring_zh, t.bring_en, t.note_zh, t.note_en) == ((), (), (), "网络中断", "offline")


def test_offline_share_of_a_range_too_small_says_so():
    from kiosk.config import TicketRange

    rng = TicketRange(prefix="A", first=1, last=10, offline_first=20, offline_last=21)
    assert (offline_share(rng, "1/2"), offline_share(rng, "2/2")) == ((20, 20), (21, 21))
    assert offline_share(rng, "1/1") == (20, 21)
    with pytest.raises(ValueError, match="20–21 is too small for 3 kiosks"):
        offline_share(rng, "1/3")


def test_qr_parse_edges():
    assert parse_qr(" TK1:441621:20261126:012:x ") == parse_qr("TK1:441621:20261126:012:x")
    assert parse_qr("TK1:441621:20261126:ABC12:x") is None
    assert parse_qr("TK1:441621:20261126:A1234567:x") is None
