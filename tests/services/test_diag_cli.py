"""kiosk-diag backend ping and journal status|replay, in-process against the real server."""

import json

from kiosk.cli.diag import main
from kiosk.services.journal import Journal


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def _tls(server):
    ca, cert, key = server.client_files("kiosk", "k9")
    return ["--ca-file", ca, "--client-cert", cert, "--client-key", key]


def test_backend_ping(server, capsys):
    assert main(["backend", "ping", "--url", server.url, "--json", *_tls(server)]) == 0
    out = _json(capsys)
    assert out["ok"] and out["offices"] == 6 and out["latency"]["requests"] == 4
    assert main(["backend", "ping", "--url", "http://127.0.0.1:9", "--json"]) == 1
    assert _json(capsys)["ok"] is False
    assert main(["backend", "ping", "--url", server.url, "--count", "0"]) == 2


def test_journal_status_and_replay(server, tmp_path, clock, capsys):
    state = tmp_path / "state"
    assert main(["journal", "status", "--state-dir", str(state), "--json"]) == 0
    assert _json(capsys)["exists"] is False
    j = Journal.open(state, clock)
    for _ in range(3):
        j.append(
            "ticket",
            "441621",
            "/v1/offices/441621/tickets",
            {"business": "marriage", "appointment_id": None, "kiosk_id": "k9"},
        )
    j.close()
    assert main(["journal", "status", "--state-dir", str(state), "--json"]) == 0
    assert _json(capsys)["backlog"] == 3
    assert main(["journal", "replay", "--state-dir", str(state), "--url", "http://127.0.0.1:9", "--json"]) == 1
    assert _json(capsys)["backlog"] == 3
    assert main(["journal", "replay", "--state-dir", str(state), "--url", server.url, "--json", *_tls(server)]) == 0
    out = _json(capsys)
    assert out["sent"] == 3 and out["backlog"] == 0 and out["by_status"]["acked"] == 3


def test_journal_parked_retry_and_discard_are_audited(tmp_path, clock, capsys):
    from kiosk.maintenance.audit import AuditLog

    state = tmp_path / "state"
    j = Journal.open(state, clock)
    keys = [
        j.append(
            "checkin",
            "441621",
            "/v1/offices/441621/checkins",
            {"appointment_id": f"AP{i}", "kiosk_id": "k9", "parties": []},
        ).key
        for i in range(3)
    ]
    for key in keys[:2]:
        j.record_failure(key, "HTTP 500", park_after=1)
    assert main(["journal", "parked", "--state-dir", str(state), "--json"]) == 0
    out = _json(capsys)
    assert [e["key"] for e in out["parked"]] == keys[:2] and out["parked"][0]["reason"] == "HTTP 500 ×1"
    assert "AP0" not in json.dumps(out)  # no request bodies
    assert main(["journal", "retry", "--state-dir", str(state)]) == 2  # a key or --all is needed
    assert main(["journal", "retry", keys[0][:10], "--state-dir", str(state), "--json"]) == 0
    assert _json(capsys)["done"] == [keys[0]]
    assert main(["journal", "discard", keys[1], "--state-dir", str(state), "--json"]) == 0
    assert main(["journal", "discard", keys[1], "--state-dir", str(state), "--json"]) == 1  # not parked any more
    capsys.readouterr()
    assert [j.get(k).status for k in keys] == ["pending", "discarded", "pending"]
    audit = AuditLog(state)
    assert [(e["action"], e["details"]["actor"], e["details"]["done"]) for e in audit.entries()] == [
        ("journal_retry", "kiosk-diag", True),
        ("journal_discard", "kiosk-diag", True),
    ]
    assert audit.verify().ok


def test_backend_ping_finds_the_running_demos_server(tmp_path):
    # It said "NOT reachable" with its defaults while the demo kiosk was online (the demo's server is on a free
    # port with its own CA); now `kiosk --demo` publishes where it is, and the ping says how to point it there.
    import json as js
    import subprocess as sp
    import sys as system

    from kiosk.app.bundled import BUNDLED_FILE, start_bundled_server, stop_bundled_server
    from kiosk.config import DEFAULT_CONFIG

    config = tmp_path / "kiosk.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    config.write_text(text.replace('state_dir = "$HOME/.local/state/heyuan-kiosk"', f'state_dir = "{tmp_path}"'))
    ping = [system.executable, "-m", "kiosk.cli.diag", "backend", "ping", "--config", str(config), "--count", "1"]
    idle = sp.run(ping, capture_output=True, text=True, timeout=60)
    assert idle.returncode == 1 and "kiosk --demo" in idle.stdout  # says how, instead of a bare NOT reachable
    proc, url, db_dir = start_bundled_server(tmp_path)
    try:
        found = sp.run(ping + ["--json"], capture_output=True, text=True, timeout=60)
        out = js.loads(found.stdout)
        assert found.returncode == 0 and out["ok"] and out["url"] == url, found.stdout + found.stderr
    finally:
        stop_bundled_server(proc, db_dir)
    assert not (tmp_path / BUNDLED_FILE).exists()
