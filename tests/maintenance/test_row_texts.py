"""The maintenance rows' texts come from the catalogs (msgid `mt_row_<key>`): every key the presenters name is
there in both languages, so no row shows a bare key."""

import re
from pathlib import Path

from kiosk.i18n import catalog
from kiosk.maintenance import presenters

KEY = re.compile(r"""\btr\(\s*["']([A-Za-z0-9_]+)["']""")


def test_every_row_text_is_in_both_catalogs():
    used = set(KEY.findall(Path(presenters.__file__).read_text(encoding="utf-8")))
    assert len(used) > 20
    for lang in ("zh", "en"):
        missing = {k for k in used if f"mt_row_{k}" not in catalog(lang)}
        assert not missing, (lang, missing)


def test_a_known_code_in_words_and_an_unknown_one_as_it_is():
    assert presenters.tr("paper_out", "en") == "out of paper"
    assert presenters.tr("paper_out", "zh") == "缺纸"
    assert presenters.tr("days_left", "en", n=3, day="2027-01-09") == "3 days left (until 2027-01-09)"
    assert presenters.tr("a driver's own words", "zh") == "a driver's own words"
