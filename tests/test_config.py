"""Configuration: every shipped file passes; a broken copy fails naming the file and the key."""

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import CONFIG_DIR, ConfigError, check_file, load_kiosk_config, load_office

SHIPPED = sorted(CONFIG_DIR.rglob("*.toml"))
DIAG = [sys.executable, "-m", "kiosk.cli.diag"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(CONFIG_DIR)))
def test_every_shipped_file_is_valid(path):
    check_file(path)


def test_diag_config_check_passes_on_shipped_files():
    r = subprocess.run(DIAG + ["config", "check", *map(str, SHIPPED)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _broken_copy(tmp_path, src: Path, old: str, new: str, subdir: str = "") -> Path:
    folder = tmp_path / subdir
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / src.name
    text = src.read_text(encoding="utf-8")
    assert old in text
    dst.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dst


@pytest.mark.parametrize(
    "old,new,key",
    [
        ("idle_timeout_s = 60", 'idle_timeout_s = "sixty"', "kiosk.idle_timeout_s"),
        ("idle_timeout_s = 60", "idle_timeout_s = 60\nidle_timout_s = 5", "kiosk.idle_timout_s"),
        ("paper_width_mm = 80", "paper_width_mm = 70", "printer.paper_width_mm"),
        ('office = "441621"', 'office = "44162"', "kiosk.office"),
        ('offline_share = "1/1"', 'offline_share = "3/2"', "kiosk.offline_share"),
        ('offline_share = "1/1"', 'offline_share = "half"', "kiosk.offline_share"),
    ],
)
def test_broken_kiosk_config_names_the_key(tmp_path, old, new, key):
    broken = _broken_copy(tmp_path, CONFIG_DIR / "default.toml", old, new)
    with pytest.raises(ConfigError) as e:
        load_kiosk_config(broken)
    assert e.value.key == key and str(broken) in str(e.value)
    r = subprocess.run(DIAG + ["config", "check", str(broken)], capture_output=True, text=True)
    assert r.returncode == 1 and key in r.stdout and "Traceback" not in r.stderr


def test_broken_office_file_names_the_key(tmp_path):
    broken = _broken_copy(
        tmp_path,
        CONFIG_DIR / "offices" / "441621.toml",
        "walk_in_daily_quota = 40",
        "walk_in_daily_quota = -1",
        "offices",
    )
    with pytest.raises(ConfigError) as e:
        load_office(broken)
    assert e.value.key == "walk_in_daily_quota"


def test_overlapping_ticket_ranges_refused(tmp_path):
    broken = _broken_copy(
        tmp_path, CONFIG_DIR / "offices" / "441621.toml", "offline_first = 700", "offline_first = 600", "offices"
    )
    with pytest.raises(ConfigError) as e:
        load_office(broken)
    assert e.value.key == "tickets.marriage" and "overlap" in e.value.problem


def test_unknown_policy_where_refused(tmp_path):
    broken = _broken_copy(
        tmp_path,
        CONFIG_DIR / "policies" / "heyuan-citywide-2021.toml",
        'where = "hukou_office"',
        'where = "anywhere"',
        "policies",
    )
    r = subprocess.run(DIAG + ["config", "check", str(broken)], capture_output=True, text=True)
    assert r.returncode == 1 and "business.marriage.exceptions.0.where" in r.stdout


def test_not_toml_at_all(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[kiosk\nid = 1", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_kiosk_config(bad)
    assert "not valid TOML" in str(e.value)


def test_env_overrides_backend_url(monkeypatch):
    monkeypatch.setenv("KIOSK_BACKEND_URL", "http://localhost:9000")
    assert load_kiosk_config().backend.url == "http://localhost:9000"


def test_an_https_backend_needs_the_mutual_tls_files(tmp_path):
    import pytest as _pytest

    from kiosk.config import DEFAULT_CONFIG, ConfigError, load_kiosk_config

    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        'url = "http://127.0.0.1:8765"', 'url = "https://office.example"'
    )
    (tmp_path / "k.toml").write_text(text, encoding="utf-8")
    with _pytest.raises(ConfigError, match="mutual TLS"):
        load_kiosk_config(tmp_path / "k.toml")


# --- holiday calendars (config/holidays/<year>.toml) ---------------------------------------------------------


def test_shipped_holiday_calendars_name_their_notices():
    from datetime import date

    from kiosk.config import CONFIG_DIR, check_file, load_rest_days

    rest = load_rest_days()
    assert rest.notices == {2025: "国办发明电〔2024〕12号", 2026: "国办发明电〔2025〕7号"}
    assert all(date(2026, 10, d) in rest.holidays for d in range(1, 8))
    assert date(2026, 10, 10) in rest.working_weekends and date(2026, 9, 20) in rest.working_weekends
    assert len([d for d in rest.holidays if d.year == 2026]) == 33
    assert len([d for d in rest.holidays if d.year == 2025]) == 28
    for path in sorted((CONFIG_DIR / "holidays").glob("*.toml")):
        assert check_file(path) == "holidays"


@pytest.mark.parametrize(
    "change,problem",
    [
        (('{ date = 2026-10-10, for = "国庆节" }', '{ date = 2026-10-09, for = "国庆节" }'), "is a weekday"),
        (
            ('{ date = 2026-10-10, for = "国庆节" }', '{ date = 2026-10-03, for = "国庆节" }'),
            "both a holiday and a working day",
        ),
        (('to = 2026-10-07', 'to = 2026-09-30'), "'to' is before 'from'"),
        (('year = 2026', 'year = 2027'), "a date outside 2027"),
    ],
)
def test_a_broken_holiday_calendar_is_refused_naming_the_problem(tmp_path, change, problem):
    from kiosk.config import CONFIG_DIR, ConfigError, load_rest_days

    text = (CONFIG_DIR / "holidays" / "2026.toml").read_text(encoding="utf-8")
    assert change[0] in text
    (tmp_path / "2026.toml").write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_rest_days(tmp_path)


def test_plain_http_only_to_loopback(monkeypatch):
    import pytest as _pytest

    from kiosk.config import ConfigError, load_kiosk_config

    monkeypatch.setenv("KIOSK_BACKEND_URL", "http://10.0.0.1:9000")
    with _pytest.raises(ConfigError, match="loopback"):
        load_kiosk_config()
