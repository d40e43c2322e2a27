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
        j.append("ticket", "441621", "/v1/offices/441621/tickets",
                 {"business": "marriage", "appointment_id": None, "kiosk_id": "k9"})
    j.close()
    assert main(["journal", "status", "--state-dir", str(state), "--json"]) == 0
    assert _json(capsys)["backlog"] == 3
    assert main(["journal", "replay", "--state-dir", str(state), "--url", "http://127.0.0.1:9", "--json"]) == 1
    assert _json(capsys)["backlog"] == 3
    assert main(["journal", "replay", "--state-dir", str(state), "--url", server.url, "--json", *_tls(server)]) == 0
    out = _json(capsys)
    assert out["sent"] == 3 and out["backlog"] == 0 and out["by_status"]["acked"] == 3
