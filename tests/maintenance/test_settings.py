import tomllib

import pytest

from kiosk.maintenance.settings import OVERRIDE_FILE, SafeSettings, SettingError
from kiosk.maintenance.presenters import settings_rows

DEFAULTS = {"walk_in_quota": 40, "volume": 70, "languages": ["zh", "en"], "idle_timeout_s": 60}


def test_change_persists_and_is_audited(tmp_path, audit):
    s = SafeSettings(tmp_path, DEFAULTS, audit=audit)
    assert s.change("volume", "35") == 35
    assert s.change("languages", "en,zh") == ["en", "zh"]
    s.change("volume", 35)  # no change → no audit line
    data = tomllib.loads((tmp_path / OVERRIDE_FILE).read_text())
    assert data["settings"] == {"languages": ["en", "zh"], "volume": 35}
    assert audit.entries == [
        ("setting_changed", {"key": "volume", "old": 70, "new": 35}),
        ("setting_changed", {"key": "languages", "old": ["zh", "en"], "new": ["en", "zh"]}),
    ]
    again = SafeSettings(tmp_path, DEFAULTS)
    assert again.values() == {**DEFAULTS, "volume": 35, "languages": ["en", "zh"]}
    again.reset("volume")
    assert SafeSettings(tmp_path, DEFAULTS).get("volume") == 70
    rows = settings_rows(again.values(), "en")
    assert {"label": "Languages", "value": "en, zh", "status": "ok", "key": "languages"} in rows


@pytest.mark.parametrize(
    "key,value",
    [
        ("volume", 101),
        ("volume", -1),
        ("volume", True),
        ("volume", "loud"),
        ("idle_timeout_s", 5),
        ("idle_timeout_s", 601),
        ("walk_in_quota", 501),
        ("languages", []),
        ("languages", ["zh", "zh"]),
        ("languages", ["fr"]),
        ("backend_url", "http://evil"),
        ("pin_hash", "x"),
    ],
)
def test_invalid_values_are_refused_and_nothing_written(tmp_path, audit, key, value):
    s = SafeSettings(tmp_path, DEFAULTS, audit=audit)
    with pytest.raises(SettingError) as e:
        s.change(key, value)
    assert e.value.key == key
    assert not (tmp_path / OVERRIDE_FILE).exists() and audit.entries == []


def test_stale_override_values_fall_back(tmp_path):
    (tmp_path / OVERRIDE_FILE).write_text("[settings]\nvolume = 900\nidle_timeout_s = 30\nunknown = 1\n")
    assert SafeSettings(tmp_path, DEFAULTS).values() == {**DEFAULTS, "idle_timeout_s": 30}
    (tmp_path / OVERRIDE_FILE).write_text("[settings\n")
    with pytest.raises(SettingError):
        SafeSettings(tmp_path, DEFAULTS)
