import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from kiosk.maintenance.audit import AuditLog, verify_file

CST = timezone(timedelta(hours=8))


@pytest.fixture
def log(tmp_path):
    t = iter(datetime(2026, 11, 26, 9, 0, tzinfo=CST) + timedelta(minutes=i) for i in range(1000))
    audit = AuditLog(tmp_path, clock=lambda: next(t))
    audit.record("login")
    audit.record("setting_changed", key="volume", old=70, new=40)
    audit.record("self_test", device="printer", ok=True)
    audit.record("report_exported", start="2026-11-01", end="2026-11-26", cases=12)
    audit.record("logout", reason="technician")
    return audit


def lines(audit):
    return audit.path.read_text(encoding="utf-8").splitlines()


def write(audit, new_lines):
    audit.path.write_text("\n".join(new_lines) + ("\n" if new_lines else ""), encoding="utf-8")


def test_intact_log_verifies(log):
    r = log.verify()
    assert r.ok and r.entries == 5 and r.problem == ""
    assert [e["action"] for e in log.entries(last=2)] == ["report_exported", "logout"]
    first = json.loads(lines(log)[0])
    assert first["prev"] == "0" * 64 and first["details"]["actor"] == "technician"


def test_edit_is_detected(log):
    ls = lines(log)
    ls[1] = ls[1].replace('"new": 40', '"new": 100')
    write(log, ls)
    r = log.verify()
    assert (r.ok, r.problem, r.line) == (False, "edited", 2)


def test_edit_with_recomputed_hash_breaks_the_chain(log):
    from kiosk.maintenance.audit import _body, _digest

    ls = lines(log)
    e = json.loads(ls[2])
    e["details"]["ok"] = False
    e["hash"] = _digest(e["prev"], _body(e))
    ls[2] = json.dumps(e)
    write(log, ls)
    r = log.verify()
    assert (r.ok, r.problem, r.line) == (False, "edited", 4)  # line 4's prev no longer matches


def test_delete_is_detected(log):
    ls = lines(log)
    del ls[2]
    write(log, ls)
    assert (log.verify().problem, log.verify().line) == ("deleted", 3)


def test_reorder_is_detected(log):
    ls = lines(log)
    ls[1], ls[3] = ls[3], ls[1]
    write(log, ls)
    r = log.verify()
    assert (r.ok, r.problem, r.line) == (False, "reordered", 2)


def test_truncation_is_detected(log):
    write(log, lines(log)[:-2])
    r = log.verify()
    assert (r.ok, r.problem, r.line) == (False, "truncated", 4)
    write(log, [])
    assert log.verify().problem == "truncated"


def test_garbage_line_and_appended_forgery(log):
    ls = lines(log)
    write(log, ls[:2] + ["{not json"] + ls[2:])
    assert (log.verify().problem, log.verify().line) == ("malformed", 3)
    write(log, ls)
    log2 = AuditLog(log.state_dir)
    log2.record("logout")
    # Appending a line without updating the head (the way a hand edit would) is seen as well.
    write(log, lines(log) + [lines(log)[-1].replace('"seq": 6', '"seq": 7')])
    assert not log.verify().ok


def test_whole_file_rewritten_does_not_match_head(log, tmp_path):
    other = AuditLog(tmp_path / "other")
    for action in ("login", "logout", "login", "logout", "login"):
        other.record(action)
    log.path.write_bytes(other.path.read_bytes())
    r = log.verify()
    assert (r.ok, r.problem) == (False, "edited")


def test_missing_log_is_empty_and_ok(tmp_path):
    assert verify_file(tmp_path / "none.jsonl", tmp_path / "none.head").ok


def test_personal_data_in_details_is_masked(tmp_path):
    audit = AuditLog(tmp_path)
    audit.record("self_test", device="idcard", detail="read 441621199005011234 ok, phone 13912345678")
    text = audit.path.read_text(encoding="utf-8")
    assert "441621199005011234" not in text and "13912345678" not in text


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.diag", "audit", *args], capture_output=True, text=True, timeout=30
    )


def test_cli_verify_json(log, tmp_path):
    ok = run_cli("verify", "--state-dir", str(log.state_dir), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    ls = lines(log)
    del ls[1]
    write(log, ls)
    bad = run_cli("verify", "--state-dir", str(log.state_dir), "--json")
    out = json.loads(bad.stdout)
    assert bad.returncode == 1 and out["problem"] == "deleted" and out["line"] == 2
    text = run_cli("verify", "--state-dir", str(log.state_dir))
    assert text.returncode == 1 and "line 2" in text.stdout
    assert run_cli("verify", "--state-dir", str(tmp_path / "nope")).returncode == 2
