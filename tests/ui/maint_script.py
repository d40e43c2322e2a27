"""Drives the real app headless through the maintenance entry, the PIN gate and every maintenance page; prints one
JSON object of findings (run by tests/ui/test_maintenance_ui.py in its own process: one Kivy app per process)."""

import json
import sys
import tempfile
from pathlib import Path


def press(widget) -> None:
    widget.dispatch("on_press")
    widget.dispatch("on_release")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="kiosk-maint-test-"))
    from kiosk.ui import kivy_env

    kivy_env.prepare(work / "kivy", headless=True)
    from kivy.core.window import Keyboard, Window

    from kiosk.config import load_kiosk_config, load_offices, load_policy
    from kiosk.flow import FlowEnv
    from kiosk.flow.events import CardRead
    from kiosk.maintenance.samples import SAMPLE_PIN, sample_maintenance
    from kiosk.services.backend_status import local_now
    from kiosk.app.shell import Shell, timer_seconds
    from kiosk.ui.app import ClockScheduler, KioskApp
    from kiosk.harness.headless import Until, run_headless
    from kiosk.harness.samples import sample_cards
    from kiosk.harness.screenshots import NoEffects

    config = load_kiosk_config()
    offices = load_offices()
    office = offices[config.kiosk.office]
    env = FlowEnv(load_policy(config.kiosk.policy), offices, office.code, local_now().date(), True)
    shell = Shell(env, NoEffects(), ClockScheduler(), timer_seconds(config))
    m = sample_maintenance(work / "state", office.code, env.today, logged_in=False)
    app = KioskApp(shell, office=office, maintenance=m, entry_key="f12")
    out: dict = {"pages": {}}
    state = lambda: shell.flow.state.value  # noqa: E731

    def login(pin: str):
        screen = app.sm.get_screen("maintenance_login")
        screen.ids.keypad.value = pin
        press(screen.ids.login)
        yield Until(lambda: not screen.checking, 10, "PIN checked")
        yield Until(lambda: True)
        return screen.message

    def script():
        yield Until(lambda: app.sm is not None and app.frames > 0, 20, "first frame")
        # hidden gesture: five quick taps on the office name
        attract = app.sm.get_screen("attract")
        for _ in range(5):
            press(attract.ids.office)
        yield Until(lambda: True)
        out["gesture"] = state()
        press(app.sm.get_screen("maintenance_login").ids.back)
        yield Until(lambda: state() == "attract", 5, "back to attract")
        # the configured key
        Window.dispatch("on_key_down", Keyboard.keycodes["f12"], 0, None, [])
        yield Until(lambda: True)
        out["key"] = state()
        # wrong PINs through the screen until the gate locks
        out["wrong"] = []
        wall, now = m.auth.clock, m.auth.clock()
        m.auth.clock = lambda: now  # the lockout's countdown stands still however slowly the screens are driven
        for pin in ("111111", "222222", "333333", "444444", "555555", "666666"):
            message = yield from login(pin)
            out["wrong"].append([state(), message])
        message = yield from login(SAMPLE_PIN)
        out["locked_with_right_pin"] = [state(), message]
        out["audit_failures"] = sum(1 for e in m.audit.entries() if e["action"] == "login_failed")
        m.auth.failures, m.auth.locked_until = 0, 0.0  # the lockout passes (tested for timing elsewhere)
        m.auth.clock = wall
        yield from login(SAMPLE_PIN)
        yield Until(lambda: state() == "maintenance", 5, "maintenance after the right PIN")
        out["logged_in"] = m.auth.logged_in
        # the applicant flow is suspended: a card changes nothing
        shell.post(CardRead(sample_cards(env)[0]))
        out["card_in_maintenance"] = state()
        home = app.sm.get_screen("maintenance")
        for name in (
            "maintenance_devices",
            "maintenance_selftest",
            "maintenance_counters",
            "maintenance_logs",
            "maintenance_settings",
            "maintenance_journal",
            "maintenance_report",
        ):
            press(home.ids["tab_" + name.split("_", 1)[1]])
            page = home.current_page()
            yield Until(lambda: not page.loading, 10, name)
            if name == "maintenance_selftest":
                press(page.ids.test_printer)
                yield Until(lambda: page.results.get("printer") not in (None, "running"), 10, "self-test")
                shown = page.text_for("printer", page.results)
            elif name == "maintenance_report":
                press(page.ids.run)
                yield Until(lambda: not page.loading and bool(page.chart or page.error), 20, "report")
                shown = page.files
                out["report_files"] = sorted(p.name for p in (work / "state" / "reports").iterdir())
                out["report_chart_shown"] = page.ids.chart.texture is not None
            elif name == "maintenance_settings":
                row = next(r for r in page.ids.rows.children if r.key == "walk_in_quota")
                before = row.value
                press(row.children[0])  # "+" (children are in reverse order)
                yield Until(lambda: row.value != before, 10, "setting saved")
                shown = f"{before}->{row.value}"
                row = next(r for r in page.ids.rows.children if r.key == "languages")
                before_languages = row.value
                press(row.children[0])  # ["zh", "en"] → ["zh"]: Chinese only
                yield Until(lambda: row.value != before_languages, 10, "languages saved")
                out["languages"] = [before_languages, row.value, list(shell.env.languages), app.multilingual]
                row = next(r for r in page.ids.rows.children if r.key == "volume")
                press(row.children[0])  # 70 → 80: the cues' volume at once
                yield Until(lambda: row.value == "80", 10, "volume saved")
                out["volume"] = app.cues.volume
                out["audit_setting"] = [e["details"] for e in m.audit.entries() if e["action"] == "setting_changed"]
            elif name == "maintenance_logs":
                yield Until(lambda: bool(page.text), 10, "log lines")
                shown = page.text
            elif name == "maintenance_journal":
                yield Until(lambda: bool(page.audit) and bool(page.parked), 10, "audit and parked rows")
                out["parked_shown"] = [r["value"] for r in page.parked]
                press(page.ids.parked.children[0].ids.discard)
                yield Until(lambda: not page.parked and not page.loading, 10, "parked entry discarded")
                out["parked_audit"] = [e["details"] for e in m.audit.entries() if e["action"] == "journal_discard"]
                shown = str(len(page.audit))
            else:
                yield Until(lambda: bool(page.rows), 10, f"{name} rows")
                shown = str(len(page.rows))
            out["pages"][name] = {"current": home.ids.pages.current, "shown": shown}
        # idle logout: the gate's own timer (the flow's Idle timer does the same at maintenance_idle_s)
        m.auth.idle_logout_s = 0.5
        yield Until(lambda: state() == "attract", 5, "idle logout")
        out["after_idle"] = state()
        out["language_switch_on_attract"] = [
            attract.ids.language.opacity,
            attract.ids.language.disabled,
            shell.flow.session.language,
        ]
        out["logged_in_after_idle"] = m.auth.logged_in
        out["audit_verify"] = m.audit.verify().ok

    error = run_headless(app, script())
    out["ok"] = error is None
    out["error"] = str(error) if error else None
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
