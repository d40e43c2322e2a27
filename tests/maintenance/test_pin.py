import pytest

from kiosk.maintenance.pin import (
    FREE_ATTEMPTS,
    MaintenanceAuth,
    PinFormatError,
    hash_pin,
    lockout_delay,
    parse_hash,
    verify_pin,
)
from tests.maintenance.conftest import PIN


def make(pin_hash, clock, audit, tmp_path=None, idle=120):
    return MaintenanceAuth(
        pin_hash, idle_logout_s=idle, audit=audit, clock=clock, lock_file=tmp_path / "lock.json" if tmp_path else None
    )


def test_hash_is_salted_slow_and_verifies():
    a, b = hash_pin(PIN), hash_pin(PIN)
    assert a != b and a.startswith("scrypt$15$8$1$")
    assert verify_pin(PIN, a) and not verify_pin("482916", a)
    assert PIN not in a


@pytest.mark.parametrize("bad", ["", "12345", "1234567890123", "12ab56", "111111", "123456", "987654"])
def test_weak_or_malformed_pins_are_refused(bad):
    with pytest.raises(PinFormatError):
        hash_pin(bad, log2_n=10)


@pytest.mark.parametrize(
    "bad", ["", "plain", "scrypt$15$8$1$!!$xx", "bcrypt$15$8$1$AAAA$BBBB", "scrypt$40$8$1$AAAAAAAAAAA=$A="]
)
def test_foreign_hash_strings_are_a_format_error(bad):
    with pytest.raises(PinFormatError):
        parse_hash(bad)


def test_broken_configured_hash_fails_at_start(clock, audit):
    with pytest.raises(PinFormatError):
        MaintenanceAuth("not-a-hash", idle_logout_s=120, clock=clock, audit=audit)


def test_delay_grows_after_five_wrong_pins():
    assert [lockout_delay(n) for n in range(1, 10)] == [0, 0, 0, 0, 30, 60, 120, 240, 480]
    assert lockout_delay(30) == 3600


def test_lockout_timing_with_fake_clock(pin_hash, clock, audit):
    auth = make(pin_hash, clock, audit)
    for n in range(1, FREE_ATTEMPTS):
        r = auth.login("000001")
        assert (r.accepted, r.reason, r.failures) == (False, "wrong_pin", n)
    r = auth.login("000001")
    assert (r.reason, r.retry_after_s) == ("locked", 30)
    # While locked even the right PIN is not heard.
    clock.advance(29)
    r = auth.login(PIN)
    assert not r.accepted and r.reason == "locked" and r.retry_after_s == pytest.approx(1)
    clock.advance(1)
    r = auth.login("000002")  # 6th wrong: 60 s
    assert (r.reason, r.retry_after_s) == ("locked", 60)
    clock.advance(60)
    assert auth.login(PIN).accepted
    assert auth.failures == 0 and auth.logged_in
    assert audit.actions().count("login_failed") == 6
    assert "login_refused" in audit.actions() and audit.actions()[-1] == "login"


def test_lockout_survives_restart(pin_hash, clock, audit, tmp_path):
    auth = make(pin_hash, clock, audit, tmp_path)
    for _ in range(FREE_ATTEMPTS):
        auth.login("000001")
    again = make(pin_hash, clock, audit, tmp_path)
    assert again.login(PIN).reason == "locked"
    (tmp_path / "lock.json").write_text("garbage")
    assert make(pin_hash, clock, audit, tmp_path).login(PIN).reason == "locked"


def test_no_pin_configured_means_no_login(clock, audit):
    auth = MaintenanceAuth("", idle_logout_s=120, audit=audit, clock=clock)
    assert auth.login("482915").reason == "disabled"
    assert audit.actions() == ["login_refused"]


def test_idle_logout(pin_hash, clock, audit):
    auth = make(pin_hash, clock, audit, idle=120)
    assert auth.login(PIN).accepted
    clock.advance(100)
    auth.touch()
    clock.advance(119)
    assert not auth.check_idle() and auth.idle_remaining() == pytest.approx(1)
    clock.advance(1)
    assert auth.check_idle() and not auth.logged_in
    assert audit.entries[-1] == ("logout", {"reason": "idle", "minutes": 3.7})
    assert not auth.check_idle()


def test_demo_pins_are_fresh_six_digit_pins():
    from kiosk.maintenance.pin import check_pin_format, new_demo_pin

    pins = {new_demo_pin() for _ in range(50)}
    assert len(pins) > 40
    for pin in pins:
        assert len(pin) == 6 and pin.isdigit()
        check_pin_format(pin)


def _config(state_dir, pin_hash=""):
    from kiosk.config import load_kiosk_config

    base = load_kiosk_config()
    return base.model_copy(
        update={
            "kiosk": base.kiosk.model_copy(update={"state_dir": str(state_dir)}),
            "maintenance": base.maintenance.model_copy(update={"pin_hash": pin_hash}),
        }
    )


def test_the_demo_pin_opens_the_demo_only(tmp_path):
    """Issue 20: `kiosk --demo` has this run's PIN; the same configuration without --demo refuses it, whether no PIN
    is set or the office's own."""
    from datetime import date

    from kiosk.app.bundled import demo_config
    from kiosk.config import DEFAULT_CONFIG
    from kiosk.maintenance.core import Maintenance
    from kiosk.maintenance.pin import new_demo_pin

    default_toml = DEFAULT_CONFIG.read_text(encoding="utf-8")
    pin = new_demo_pin()
    today = lambda: date(2026, 11, 26)  # noqa: E731
    demo = Maintenance.from_config(demo_config(_config(tmp_path / "demo"), demo_pin=pin), today=today)
    assert demo.auth.login(pin).accepted
    assert ("login", {"actor": "technician", "demo": True}) in [
        (e["action"], e["details"]) for e in demo.audit.entries()
    ]
    unset = Maintenance.from_config(_config(tmp_path / "plain"), today=today)
    assert unset.auth.login(pin).reason == "disabled"
    office_pin = "482915" if pin != "482915" else "593826"
    own = Maintenance.from_config(_config(tmp_path / "office", hash_pin(office_pin, log2_n=10)), today=today)
    refused = own.auth.login(pin)
    assert not refused.accepted and refused.reason == "wrong_pin"
    assert [e["action"] for e in own.audit.entries()] == ["login_failed"]  # audited like any other
    assert own.auth.login(office_pin).accepted
    # the demo PIN is written nowhere: not in the configuration file, not in any state file
    assert DEFAULT_CONFIG.read_text(encoding="utf-8") == default_toml
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert pin.encode() not in f.read_bytes(), f
