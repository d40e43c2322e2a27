"""One word per idea (assets/locale/glossary.toml, docs/glossary.md): the catalogs, the decision messages and the
ticket use the glossary's words and none of the synonyms it lists to avoid — "咨询台", never "服务台"; "booking
code", never "verification code"; the offline number said the same way on the screen and on the ticket."""

import re
import tomllib

import pytest

import heyuan_assets as assets
from kiosk.config import load_policies
from kiosk.domain import checkin, messages
from kiosk.domain.ticket import OFFLINE_NOTE, TEST_NOTE
from kiosk.i18n import catalog

GLOSSARY = tomllib.loads(assets.path("locale", "glossary.toml").read_text(encoding="utf-8"))
TECHNICIAN = ("mt_", "dev_", "status_", "demo_", "maint_", "notice_pin")  # the technician's pages: not applicants'


def applicant_texts(lang: str) -> dict[str, str]:
    """Every text an applicant may see or hear in `lang`, by where it comes from."""
    out = {k: v for k, v in catalog(lang).items() if k and not k.startswith(TECHNICIAN)}
    for table in (messages.REASON_TEXT, messages.DECISION_LEAD, messages.ONE_PARTY_TEXT, checkin.MESSAGES):
        out.update({f"messages:{k}": v[lang] for k, v in table.items()})
    out["ticket:offline"], out["ticket:test"] = OFFLINE_NOTE[lang], TEST_NOTE[lang]
    from kiosk.services.effects import STAFF_CHECK_NOTE

    out["ticket:staff_check"] = STAFF_CHECK_NOTE[f"note_{lang}"]
    for policy in load_policies():
        for business, rule in policy.business.items():
            out[f"policy:{policy.name}:{business}"] = " / ".join(rule.documents(lang))
    return out


def _uses(text: str, word: str, lang: str) -> bool:
    if lang == "zh":
        return word in text
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_uses_a_word_the_glossary_avoids(lang):
    texts = applicant_texts(lang)
    found = [
        f"{where}: '{word}' (say '{term[lang]}')"
        for name, term in GLOSSARY.items()
        for word in term.get(f"avoid_{lang}", [])
        for where, text in texts.items()
        if _uses(text, word, lang)
    ]
    assert not found, "\n".join(found)


def test_every_glossary_word_is_used():
    for lang in ("zh", "en"):
        texts = " ".join(applicant_texts(lang).values())
        unused = [t[lang] for t in GLOSSARY.values() if not _uses(texts, t[lang], lang)]
        assert not unused, (lang, unused)


def test_one_help_point_and_the_offline_number_said_the_same_way_on_screen_and_ticket():
    zh, en = catalog("zh"), catalog("en")
    assert not any("服务台" in v for v in zh.values())
    for key in ("staff_offline", "voice_staff_offline", "printer_hint", "printer_no_number", "elig_title_staff"):
        assert "咨询台" in zh[key] and "information desk" in en[key], key
    # the screen and the ticket give the same instruction for an offline number
    assert "向工作人员出示" in zh["done_offline"] and "向工作人员出示" in OFFLINE_NOTE["zh"]
    assert "show your ticket to staff" in en["done_offline"] and "show this ticket to staff" in OFFLINE_NOTE["en"]
    assert "叫号屏提示" not in zh["done_offline"]
    # the voice names the field the screen shows
    assert zh["appt_code"] in zh["voice_appointment"] and "验证码" not in zh["voice_appointment"]
    assert en["appt_code"].lower() in en["voice_appointment"].lower()
    # the offline banner says a number can still be taken
    assert "取号" in zh["offline_banner"] and "number" in en["offline_banner"]
    # the consent describes storage as the code does: memory only, never the disk — not "encrypted in memory"
    assert "加密保存在内存" not in zh["consent_keep"] and "不写入磁盘" in zh["consent_keep"]
    assert "encrypted in memory" not in en["consent_keep"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_slogan_is_the_policy_in_force(lang):
    for policy in load_policies():
        assert catalog(lang).get(f"attract_sub_{policy.name}"), policy.name
    assert "全国通办" in catalog("zh")["attract_sub_national-2025"]
    assert "全城通办" in catalog("zh")["attract_sub_heyuan-citywide-2021"]
