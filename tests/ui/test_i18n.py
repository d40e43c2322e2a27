"""Every screen string comes from the catalogs; zh and en have the same keys; no text hard-coded in .kv."""

import re
from pathlib import Path

from kiosk.i18n import LOCALE_DIR, catalog, parse_po, pinyin_of, tr

UI = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
KEY = re.compile(r"""\btr\(\s*["']([a-z0-9_]+)["']""")


def test_catalogs_have_the_same_keys():
    zh, en = parse_po(LOCALE_DIR / "zh/LC_MESSAGES/kiosk.po"), parse_po(LOCALE_DIR / "en/LC_MESSAGES/kiosk.po")
    assert zh and set(zh) == set(en)
    assert all(v.strip() for v in list(zh.values()) + list(en.values()))


def test_every_key_used_exists():
    used = set()
    for f in list(UI.rglob("*.kv")) + list(UI.rglob("*.py")):
        used |= set(KEY.findall(f.read_text(encoding="utf-8")))
    keys = set(catalog("zh"))
    # A key ending in "_" is a prefix completed at run time (face_<code>, fault_<device>, …).
    missing = {k for k in used if k not in keys and not (k.endswith("_") and any(x.startswith(k) for x in keys))}
    assert not missing, missing


def test_no_chinese_hard_coded_in_kv():
    for f in UI.rglob("*.kv"):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("#"):
                continue
            assert not re.search(r"[\u4e00-\u9fff]", line), f"{f.name}: {line.strip()}"


def test_lookup_and_pinyin():
    assert tr("attract_start", "en") == "Touch to start"
    assert tr("done_ahead", "zh", n=3) == "前面还有 3 人"
    assert tr("attract_start", "xx") == tr("attract_start", "zh")
    assert pinyin_of("张*丰") == "Zhang * Feng"


def test_face_guidance_codes_are_in_the_catalog():
    from kiosk.services.face.messages import GUIDANCE

    for code in GUIDANCE:
        assert f"face_{code}" in catalog("en")


def test_pinyin_without_pypinyins_phrases_reads_each_character_as_full_pypinyin_does():
    import os
    import subprocess
    import sys

    names = "张王李赵单曾解仇区查朴盖乐尉万俟长孙"
    code = (
        "from pypinyin import Style, lazy_pinyin\n"
        f"print(' '.join(lazy_pinyin(c, style=Style.NORMAL)[0].capitalize() for c in {names!r}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYPINYIN")}  # phrases loaded
    full = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert pinyin_of(names) == full.stdout.strip()
