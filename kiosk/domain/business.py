"""The registration businesses an office handles, with their names in both languages."""

from collections.abc import Iterable

BUSINESSES: dict[str, dict[str, str]] = {
    "marriage": {"zh": "结婚登记", "en": "Marriage registration"},
    "divorce_application": {"zh": "离婚登记申请", "en": "Divorce application"},
    "divorce_certificate": {"zh": "领取离婚证", "en": "Divorce certificate (after cooling-off)"},
    "reissue_certificate": {"zh": "补领婚姻登记证", "en": "Re-issue of a marriage certificate"},
    "archive_query": {"zh": "婚姻登记档案查询", "en": "Marriage record archive query"},
    "record_certificate": {"zh": "出具（无）婚姻登记记录证明", "en": "(No-)marriage-record certificate"},
}


def business_name(business: str, lang: str) -> str:
    return BUSINESSES[business][lang]


def check_business_keys(keys: Iterable[str], what: str) -> None:
    """Config tables keyed by business must name every business, and only known ones."""
    unknown = set(keys) - set(BUSINESSES)
    if unknown:
        raise ValueError(f"unknown business {sorted(unknown)}; allowed: {list(BUSINESSES)}")
    missing = set(BUSINESSES) - set(keys)
    if missing:
        raise ValueError(f"missing {what} for {sorted(missing)}")
