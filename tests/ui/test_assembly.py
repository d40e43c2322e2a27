"""The one wiring (kiosk.app.assemble) that `kiosk`, the demo, the journeys and bench_ui all run: what it joins
is joined there, not patched in by a side module."""

from pathlib import Path

from kiosk.app.assemble import assemble
from kiosk.app.bundled import demo_config, with_backend
from kiosk.config import load_kiosk_config
from kiosk.flow import effects as fx
from kiosk.flow import events as ev


def _assembled(state_dir: Path):
    base = load_kiosk_config()
    base = base.model_copy(update={"kiosk": base.kiosk.model_copy(update={"state_dir": str(state_dir)})})
    return assemble(with_backend(demo_config(base), "https://127.0.0.1:9"))  # nothing is contacted until start


def test_the_technicians_walk_in_quota_gates_the_kiosks_walk_in_tickets(tmp_path):
    a = _assembled(tmp_path)
    m, runner = a.maintenance, a.parts.runner
    m.settings.change("walk_in_quota", 0)
    assert runner.issue(fx.IssueTicket("marriage", None, ("x",))) == ev.TicketRefused("quota_exhausted")
    m.settings.change("walk_in_quota", 5)
    assert runner.walk_in_exhausted is not None and not runner.walk_in_exhausted()


def test_a_ticket_cut_by_shutdown_stays_on_the_technicians_audit_page(tmp_path):
    import threading

    a = _assembled(tmp_path)
    release = threading.Event()
    a.shell.effects.run = lambda effect: release.wait(5)  # the printer never answers before the stop
    effect = fx.PrintTicket({"number": "A042"}, "marriage", ())
    a.shell._submit(effect)
    try:
        a.stop(drain_s=0.2)
    finally:
        release.set()
    cut = [e for e in a.maintenance.audit.entries() if e["action"] == "print_interrupted"]
    assert [(e["details"]["number"], e["details"]["business"], e["details"]["actor"]) for e in cut] == [
        ("A042", "marriage", "kiosk")
    ]


def test_the_face_steps_analysis_rate_reaches_the_maintenance_board(tmp_path):
    a = _assembled(tmp_path)
    from kiosk.services.identity.steps import FaceRate

    a.parts.identity._tell(FaceRate(12.34))  # as a capture reports it, to the identity steps' watchers
    assert a.maintenance.board.snapshot()["camera"]["info"]["face_fps"] == 12.3


def test_the_technicians_restart_ends_the_run_asking_for_a_fresh_kiosk(tmp_path):
    base = load_kiosk_config()
    base = base.model_copy(update={"kiosk": base.kiosk.model_copy(update={"state_dir": str(tmp_path)})})
    a = assemble(with_backend(demo_config(base, demo_pin="246810"), "https://127.0.0.1:9"))
    assert not a.restart_asked
    assert a.maintenance.auth.login("246810").accepted
    a.maintenance.restart()  # the maintenance page's button
    assert a.restart_asked  # kiosk_main exits with EXIT_RESTART; systemd starts a fresh kiosk
    assert [e["action"] for e in a.maintenance.audit.entries()][-2:] == ["restart", "logout"]


def test_the_parts_are_joined_at_construction(tmp_path):
    from kiosk.flow.events import BackendDown

    a = _assembled(tmp_path)
    p = a.parts
    assert p.link.client.on_date == p.clock_check.observe_date  # each answer's Date header checks the clock
    seen: list = []
    p.events.attach(seen.append)  # as the shell's post_threadsafe is (in place of Kivy's clock here)
    p.link.status.report(False, "refused")  # the client's judgement: the office is unreachable
    assert seen == [BackendDown()]
    assert p.runner.walk_in_exhausted is not None and p.runner.identity is p.identity
