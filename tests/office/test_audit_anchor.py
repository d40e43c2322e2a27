"""The audit log cannot be cut short unseen (issue 24): the chain's head is anchored, signed with the server's
key, in an append-only file (at an interval and when the server stops); `audit verify` checks the database
against it. Attacks on a stopped server's files: the last rows deleted, one kiosk's rows removed and the chain
recomputed, a forged anchor."""

import json
import shutil
import sqlite3
import time

import pytest

from bench.rigs.office_server import serve_in_thread
from office import audit, pki
from office.__main__ import main
from tests.office.helpers import Api


@pytest.fixture
def stopped(tmp_path, clock):
    """A server that took some writes and refusals, then stopped: (db, anchors, pki_dir)."""
    db = tmp_path / "office.db"
    with serve_in_thread(db, clock, anchor_interval_s=3600) as server:
        k1, k2 = Api(server, name="k1"), Api(server, name="k2")
        for _ in range(3):
            k1.ticket("marriage")
            k2.post("/v1/offices/441621/tickets", {"business": "marriage", "kiosk_id": "k2"})
            k1.get("/v1/offices/441621/queue")  # refused: audited
        pki_dir = server.pki_dir
    return db, tmp_path / "office.db.anchors", pki_dir


def _verify(db, pki_dir, *extra):
    return main(["audit", "verify", "--db", str(db), "--tls-dir", str(pki_dir), *extra])


def _copy(db, anchors, tmp_path, name):
    target = tmp_path / name
    target.mkdir()
    with sqlite3.connect(db) as src, sqlite3.connect(target / "office.db") as dst:
        src.backup(dst)  # the WAL's rows too
    shutil.copy(anchors, target / "office.db.anchors")
    return target / "office.db"


def test_the_head_is_anchored_when_the_server_stops_and_verifies(stopped, capsys):
    db, anchors, pki_dir = stopped
    lines = [json.loads(x) for x in anchors.read_text().splitlines()]
    rows = sqlite3.connect(db).execute("SELECT MAX(seq), COUNT(*) FROM audit").fetchone()
    assert lines[-1]["seq"] == rows[0] == rows[1] == 9
    capsys.readouterr()
    assert _verify(db, pki_dir) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["anchors"] == {"ok": True, "anchors": 1, "anchored_seq": 9, "problem": None}
    # the anchors are there: verifying without the CA that authenticates them is refused, not skipped
    assert main(["audit", "verify", "--db", str(db)]) == 2


def test_deleting_the_last_rows_is_detected(stopped, tmp_path, capsys):
    db, anchors, pki_dir = stopped
    cut = _copy(db, anchors, tmp_path, "cut")
    with sqlite3.connect(cut) as conn:
        conn.execute("DELETE FROM audit WHERE seq > 6")
        assert audit.verify(conn)["ok"]  # the chain alone does not see it
    capsys.readouterr()
    assert _verify(cut, pki_dir) == 1
    assert "cut short" in json.loads(capsys.readouterr().out)["anchors"]["problem"]


def test_removing_one_kiosks_rows_and_recomputing_the_chain_is_detected(stopped, tmp_path, capsys):
    db, anchors, pki_dir = stopped
    forged = _copy(db, anchors, tmp_path, "forged")
    with sqlite3.connect(forged) as conn:
        kept = [
            dict(zip(audit.FIELDS, r))
            for r in conn.execute(f"SELECT {', '.join(audit.FIELDS)} FROM audit WHERE who != 'kiosk:k2@441621'")
        ]
        conn.execute("DELETE FROM audit")
        prev = audit.GENESIS
        for seq, row in enumerate(kept, 1):
            row["seq"] = seq
            digest = audit._digest(prev, row)
            conn.execute(
                "INSERT INTO audit (seq, at, who, serial, method, path, status, code, ref, prev, hash)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (*[row[k] for k in audit.FIELDS], prev, digest),
            )
            prev = digest
        assert audit.verify(conn)["ok"]
    capsys.readouterr()
    assert _verify(forged, pki_dir) == 1
    assert json.loads(capsys.readouterr().out)["anchors"]["ok"] is False


def test_a_forged_anchor_is_not_authentic(stopped, tmp_path, capsys):
    """Whoever rewrote the database cannot write a matching anchor without the server's key."""
    db, anchors, pki_dir = stopped
    rogue = tmp_path / "rogue"
    pki.init(rogue)
    forged = _copy(db, anchors, tmp_path, "forged")
    with sqlite3.connect(forged) as conn:
        conn.execute("DELETE FROM audit WHERE seq > 6")
        from office.anchor import Anchors

        Anchors(forged.parent / "office.db.anchors", rogue / "server.key", rogue / "server.crt").anchor(conn, "x")
    capsys.readouterr()
    assert _verify(forged, pki_dir) == 1
    problem = json.loads(capsys.readouterr().out)["anchors"]["problem"]
    assert "cut short" in problem or "not authentic" in problem


def test_the_head_is_anchored_at_an_interval_while_the_server_runs(tmp_path, clock):
    anchors = tmp_path / "elsewhere" / "audit.anchors"
    with serve_in_thread(tmp_path / "office.db", clock, anchors_file=anchors, anchor_interval_s=0.2) as server:
        api = Api(server)
        api.ticket("marriage")
        deadline = time.monotonic() + 30
        while not anchors.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert json.loads(anchors.read_text().splitlines()[0])["seq"] == 1
        api.ticket("marriage")
        while len(anchors.read_text().splitlines()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [json.loads(x)["seq"] for x in anchors.read_text().splitlines()] == [1, 2]
