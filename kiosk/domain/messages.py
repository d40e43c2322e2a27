"""What the applicant is told about an eligibility decision, in Chinese and English."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.domain.business import BUSINESSES

# One sentence per reason code; {placeholders} are filled from the decision's details.
REASON_TEXT: dict[str, dict[str, str]] = {
    "local_hukou": {
        "zh": "本市户籍居民可在全市任一婚姻登记处办理。",
        "en": "Residents with a Heyuan hukou may register at any office in the city.",
    },
    "any_office": {"zh": "内地居民可在任一婚姻登记处办理。", "en": "Mainland residents may register at any office."},
    "hukou_office": {"zh": "本处是您的户籍所在地婚姻登记处。", "en": "This is the office of your hukou county."},
    "designated": {
        "zh": "本处是指定的涉外及涉港澳台婚姻登记处。",
        "en": "This office is designated for cases with foreigners and HK/Macao/Taiwan residents.",
    },
    "application_office": {
        "zh": "离婚冷静期已满，请双方到窗口领取离婚证。",
        "en": "The cooling-off period is over; both of you may now collect the certificate.",
    },
    "hukou_office_only": {
        "zh": "此业务只能在户籍所在地的婚姻登记处办理。",
        "en": "This service is only available at the office of your hukou county.",
    },
    "military": {
        "zh": "现役军人的婚姻登记需在户籍所在地的婚姻登记处办理。",
        "en": "Marriage and divorce registration with active-duty military is only at the office of the hukou county.",
    },
    "other_office": {
        "zh": "领取离婚证需回到受理离婚申请的婚姻登记处。",
        "en": "The divorce certificate is issued by the office that accepted the application.",
    },
    "designated_office": {
        "zh": "涉及外国人、港澳台居民或华侨的登记需到省指定的婚姻登记处办理。",
        "en": "Cases with foreigners, HK/Macao/Taiwan residents or overseas Chinese go to a designated office.",
    },
    "underage": {
        "zh": "未达到法定婚龄（男22周岁，女20周岁）。",
        "en": "Below the legal age for marriage (men 22, women 20).",
    },
    "id_expired": {
        "zh": "证件已过有效期，请先换领新证件。",
        "en": "An identity document has expired; please renew it first.",
    },
    "id_invalid": {
        "zh": "证件号码无效，请核对证件或咨询工作人员。",
        "en": "An identity document number is not valid; please check it with staff.",
    },
    "birth_mismatch": {
        "zh": "证件上的出生日期与证件号码不一致，请到公安机关核实证件。",
        "en": "The birth date on an ID card does not match its number; please have the card checked by the police.",
    },
    "sex_mismatch": {
        "zh": "证件上的性别与证件号码不一致，请到公安机关核实证件。",
        "en": "The sex on an ID card does not match its number; please have the card checked by the police.",
    },
    "party_count": {
        "zh": "此业务须由{parties_allowed}名当事人本人办理。",
        "en": "This service is for {parties_allowed} applicant(s) in person.",
    },
    "same_person": {
        "zh": "两份证件属于同一人，须双方本人各持证件办理。",
        "en": "Both documents belong to the same person; each party must bring their own.",
    },
    "same_sex": {
        "zh": "婚姻登记须由男女双方共同办理。",
        "en": "Marriage and divorce registration are for a man and a woman.",
    },
    "no_local_hukou": {
        "zh": "双方均无河源市户籍，请到户籍所在地的婚姻登记处办理。",
        "en": "Neither party has a Heyuan hukou; please go to the office where your hukou is.",
    },
    "no_mainland_party": {"zh": "至少一方须为内地居民。", "en": "At least one party must be a mainland resident."},
    "cooling_off": {
        "zh": "离婚冷静期未满，请于{window_opens}至{window_closes}期间双方一同前来。",
        "en": "The cooling-off period has not ended; please come back together between "
        "{window_opens} and {window_closes}.",
    },
    "window_expired": {
        "zh": "已超过领取离婚证的期限（{window_closes}），离婚申请视为撤回。",
        "en": "The time to collect the certificate ended on {window_closes}; the application is deemed withdrawn.",
    },
    "hukou_unclear": {
        "zh": "无法从证件确定户籍所在县区，请由工作人员确认。",
        "en": "Your hukou county cannot be read from the card; staff will confirm it.",
    },
    "holiday_calendar_missing": {
        "zh": "本机尚未安装{calendar_missing}年的节假日安排，离婚冷静期和领证期限请由工作人员核算。",
        "en": "The holiday calendar for {calendar_missing} is not installed on this kiosk; staff will work out "
        "the cooling-off and collection dates.",
    },
}

DECISION_LEAD = {
    "accept": {"zh": "本处可以为您办理{business}。", "en": "This office can handle your {business}."},
    "redirect": {"zh": "本处不能办理您的{business}。", "en": "This office cannot handle your {business}."},
    "staff": {"zh": "请到咨询台咨询工作人员。", "en": "Please ask the staff at the information desk."},
    "refuse": {"zh": "暂不能办理{business}。", "en": "Your {business} cannot go ahead now."},
}


# One applicant alone is not "neither party".
ONE_PARTY_TEXT: dict[str, dict[str, str]] = {
    "no_local_hukou": {
        "zh": "您没有河源市户籍，请到户籍所在地的婚姻登记处办理。",
        "en": "You have no Heyuan hukou; please go to the office where your hukou is.",
    },
}
THIS_OFFICE = {"zh": "本处", "en": "this office"}


def compose_message(
    decision: str,
    business: str,
    reasons: list[str],
    offices: Sequence[Any],
    details: dict[str, Any],
    one_party: bool = False,
    lead: bool = True,
) -> dict[str, str]:
    """The zh/en message: a lead sentence, one sentence per reason, and where to go for a redirect. A staff
    decision sends people to this office's information desk (where they stand: never its name and address as if it
    were elsewhere)."""
    out: dict[str, str] = {}
    for lang in ("zh", "en"):
        here = getattr(offices[0].name, lang) if offices else THIS_OFFICE[lang]
        # Mid-sentence in English; Chinese has no case.
        parts = [DECISION_LEAD[decision][lang].format(business=BUSINESSES[business][lang].lower(), office=here)]
        parts = parts if lead else []  # without it the reasons say it all (a used booking)
        texts = [(ONE_PARTY_TEXT if one_party and r in ONE_PARTY_TEXT else REASON_TEXT).get(r) for r in reasons]
        parts += [t[lang].format(**details) for t in texts if t]
        for office in offices if decision == "redirect" else []:
            if lang == "zh":
                parts.append(f"{office.name.zh}：{office.address.zh}，电话 {office.phone}。")
            else:
                parts.append(f"{office.name.en}: {office.address.en}, tel. {office.phone}.")
        out[lang] = ("" if lang == "zh" else " ").join(parts)
    return out


REASON_TEXT.update(
    {
        "booked_elsewhere": {
            "zh": "您预约的是其他婚姻登记处，请按预约前往。",
            "en": "Your booking is for another office; please go there.",
        },
        "needs_registrar": {"zh": "此情况需由工作人员审核。", "en": "A registrar needs to look at this case."},
        "quota_exhausted": {
            "zh": "今日现场取号名额已满，请预约后再来。",
            "en": "Today's walk-in numbers are all taken; please make a booking.",
        },
        "office_closed": {
            "zh": "现在不是本处的取号时间。本处今天的办公时间：{hours}。",
            "en": "This office is not issuing numbers now. Today's opening hours: {hours}.",
        },
        "already_checked_in": {"zh": "此预约已签到。", "en": "This booking has already been checked in."},
        "ticket_already_issued": {
            "zh": "您二位今天已经取过号。",
            "en": "You two already took a number today.",
        },
        "ticket_held": {
            "zh": "您的号码是 {number}，请留意叫号屏，无需再次取号。",
            "en": "Your number is {number}; please watch the queue display. You need no other number.",
        },
        "ticket_not_held": {
            "zh": "如需帮助，请到咨询台。",
            "en": "If you need help, please go to the information desk.",
        },
        "outside_window": {"zh": "不在预约签到时间内。", "en": "This is outside your booking's check-in time."},
        "parties_mismatch": {"zh": "到场人员与预约不符。", "en": "The people present do not match the booking."},
    }
)
