"""What applicants read: whole messages for each kind of decision, in both languages."""

from datetime import date

from kiosk.domain.eligibility import DivorceApplication, decide
from kiosk.domain.messages import compose_message

from .cases import CITYWIDE, CITYWIDE_DAY, NATIONAL, OFFICES, REST_DAYS, TODAY, resident


def test_a_redirect_names_the_business_the_reason_and_where_to_go_with_address_and_phone():
    d = decide(CITYWIDE, OFFICES, "441602", "reissue_certificate", CITYWIDE_DAY, [resident("441624")])
    heping = OFFICES["441624"]
    assert d.message["zh"] == (
        "本处不能办理您的补领婚姻登记证。此业务只能在户籍所在地的婚姻登记处办理。"
        f"{heping.name.zh}：{heping.address.zh}，电话 {heping.phone}。"
    )
    assert d.message["en"] == (
        "This office cannot handle your re-issue of a marriage certificate. This service is "
        "only available at the office of your hukou county. "
        f"{heping.name.en}: {heping.address.en}, tel. {heping.phone}."
    )


def test_an_accept_says_so_and_why():
    d = decide(NATIONAL, OFFICES, "441621", "marriage", TODAY, [resident("hunan"), resident("outside", sex="female")])
    assert d.message == {
        "zh": "本处可以为您办理结婚登记。内地居民可在任一婚姻登记处办理。",
        "en": "This office can handle your marriage registration. Mainland residents may register at any office.",
    }


def test_a_staff_decision_sends_people_to_the_information_desk_of_the_office_they_stand_in():
    # It said "请到紫金县婚姻登记处窗口…" (and the screen showed its address) to people standing in it.
    d = decide(NATIONAL, OFFICES, "441602", "archive_query", TODAY, [resident("441622", address="河源市江东新区")])
    assert d.message == {
        "zh": "请到咨询台咨询工作人员。无法从证件确定户籍所在县区，请由工作人员确认。",
        "en": "Please ask the staff at the information desk. Your hukou county cannot be read from the card; "
        "staff will confirm it.",
    }


def test_a_refusal_lists_every_reason_with_its_details():
    d = decide(NATIONAL, OFFICES, "441621", "marriage", TODAY, [resident("441622")])
    assert d.message == {
        "zh": "暂不能办理结婚登记。此业务须由2名当事人本人办理。",
        "en": "Your marriage registration cannot go ahead now. This service is for 2 applicant(s) in person.",
    }
    d = decide(
        NATIONAL,
        OFFICES,
        "441621",
        "divorce_certificate",
        date(2026, 11, 20),
        [resident("441621"), resident("441622", sex="female")],
        DivorceApplication(date(2026, 11, 1), "441621"),
        REST_DAYS,
    )
    assert d.message["zh"] == "暂不能办理领取离婚证。离婚冷静期未满，请于2026-12-02至2026-12-31期间双方一同前来。"
    assert d.message["en"] == (
        "Your divorce certificate (after cooling-off) cannot go ahead now. The cooling-off "
        "period has not ended; please come back together between 2026-12-02 and 2026-12-31."
    )


def test_compose_without_offices_and_with_unknown_reasons():
    m = compose_message("staff", "marriage", ["needs_registrar", "not_a_reason"], [], {})
    assert m == {
        "zh": "请到咨询台咨询工作人员。此情况需由工作人员审核。",
        "en": "Please ask the staff at the information desk. A registrar needs to look at this case.",
    }
    one = compose_message("refuse", "archive_query", ["no_local_hukou"], [], {}, one_party=True)
    two = compose_message("refuse", "archive_query", ["no_local_hukou"], [], {})
    assert one["zh"].endswith("您没有河源市户籍，请到户籍所在地的婚姻登记处办理。")
    assert two["zh"].endswith("双方均无河源市户籍，请到户籍所在地的婚姻登记处办理。")


def test_an_accept_or_refusal_never_lists_offices():
    office = OFFICES["441621"]
    for decision in ("accept", "refuse"):
        m = compose_message(decision, "marriage", [], [office], {})
        assert office.address.zh not in m["zh"] and office.phone not in m["en"]
