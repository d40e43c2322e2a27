"""The kiosk's call for staff through its link: delivered online; journaled and sent once after an outage;
withdrawn when the applicant has gone."""

from kiosk.flow.effects import CallForAssistance, FollowStaffCall, SessionEnded
from kiosk.flow.events import StaffCallStatus, StaffCalled
from kiosk.services.effects import EffectRunner
from tests.services.helpers import drain, server_rows


def _calls(server):
    return server_rows(server, "SELECT kiosk_id, screen, business FROM assistance_calls ORDER BY call_id")


def test_online_the_counter_sees_the_call_at_once(server, proxy, make_link):
    link = make_link(proxy.url)
    link.start()
    runner = EffectRunner(link, None, link.office, None)
    called = runner.run(CallForAssistance("read_id_1", "marriage"))
    assert called == StaffCalled(True, called.call_id) and called.call_id > 0
    assert [tuple(r) for r in _calls(server)] == [("k1", "read_id_1", "marriage")]
    assert link.backlog() == 0
    # the kiosk follows its call: open until a counter takes it (office/lobby/calls.py)
    assert runner.run(FollowStaffCall(called.call_id)) == StaffCallStatus(called.call_id, "open")
    counter = server.session("counter", "window-2")
    taken = counter.post(f"{server.url}/counter/calls/{called.call_id}/acknowledge", json={}, timeout=60)
    assert taken.status_code == 200, taken.text
    assert runner.run(FollowStaffCall(called.call_id)) == StaffCallStatus(called.call_id, "acknowledged")
    proxy.mode = "reset"
    assert runner.run(FollowStaffCall(called.call_id)) == StaffCallStatus(called.call_id, "unknown")


def test_offline_the_call_waits_in_the_journal_and_is_sent_once(server, proxy, make_link):
    proxy.mode = "reset"
    link = make_link(proxy.url)
    link.start()
    runner = EffectRunner(link, None, link.office, None)
    assert runner.run(CallForAssistance("consent", None)) == StaffCalled(False)
    assert link.backlog() == 1 and _calls(server) == []
    proxy.script = ["drop_response"]  # the first delivery's answer is lost: sent again, applied once
    proxy.mode = "pass"
    drain(link)
    assert [tuple(r) for r in _calls(server)] == [("k1", "consent", None)]


def test_a_call_still_waiting_when_the_session_ends_is_withdrawn(server, proxy, make_link):
    proxy.mode = "reset"
    link = make_link(proxy.url)
    runner = EffectRunner(link, None, link.office, None)
    assert runner.run(CallForAssistance("face_1", "marriage")) == StaffCalled(False)
    runner.run(SessionEnded("cancelled"))
    proxy.mode = "pass"
    drain(link)
    assert _calls(server) == [] and link.journal.status()["by_status"]["superseded"] == 1
