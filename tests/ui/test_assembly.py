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
    m, runner = a.maintenance, a.kiosk.runner
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

    a.kiosk.identity._tell(FaceRate(12.34))  # as a capture reports it, to the identity steps' watchers
    assert a.maintenance.board.snapshot()["camera"]["info"]["face_fps"] == 12.3
