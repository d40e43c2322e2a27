"""kiosk-sim idcard and kiosk-diag idcard as processes, the way a technician runs them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import diag
from tests.idcard.conftest import CARDS, fixture_fields

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def sim_process():
    p = subprocess.Popen(
        [str(BIN / "kiosk-sim"), "idcard", "--card", str(CARDS / "resident_long_term.json")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    path = p.stdout.readline().strip()
    yield p, path
    p.stdin.write("quit\n")
    p.stdin.flush()
    p.wait(timeout=5)


def control(p, line):
    p.stdin.write(line + "\n")
    p.stdin.flush()
    return p.stdout.readline().strip()


def diag_json(*args):
    r = subprocess.run([str(BIN / "kiosk-diag"), "idcard", *args], capture_output=True, text=True, cwd=ROOT, timeout=20)
    return r.returncode, (json.loads(r.stdout) if r.stdout.strip() else None), r.stderr


def test_first_line_is_a_pty(sim_process):
    _, path = sim_process
    assert path.startswith("/dev/pts/")


def test_every_fixture_prints_exactly_with_reveal(sim_process):
    p, path = sim_process
    for card in sorted(CARDS.glob("*.json")):
        assert control(p, "remove") == "ok"
        assert control(p, f"present {card}") == "ok"
        rc, out, err = diag_json("read", "--port", path, "--timeout", "3", "--json", "--reveal")
        assert rc == 0, err
        assert out.pop("ok") is True
        assert out == fixture_fields(card.stem), card.stem


def test_masked_by_default_and_card_must_leave(sim_process):
    p, path = sim_process
    control(p, "remove")
    control(p, f"present {CARDS / 'resident_rare_name.json'}")
    rc, out, _ = diag_json("read", "--port", path, "--json")
    assert rc == 0
    assert out["name"] == "欧**喆" and out["id_number"] == "441621********0068" and out["birth"] == "2004-**-**"
    assert "金山大道" not in out["address"]
    rc, out, _ = diag_json("read", "--port", path, "--json", "--timeout", "0.5")  # halted: must leave the field
    assert rc == 1 and out == {"ok": False, "error": "no_card", "reason": "idcard: no card presented within 0.5 s"}


def test_sam_verb_and_sam_fault(sim_process):
    p, path = sim_process
    rc, out, _ = diag_json("sam", "--port", path, "--json")
    assert rc == 0 and out["ok"] and out["sam_id"].startswith("05.01-")
    assert control(p, "fault sw3 60 11FF") == "ok"
    rc, out, _ = diag_json("sam", "--port", path, "--json")
    assert rc == 1 and out["sw3"] == "60" and out["error"] == "status"


def test_control_channel_errors(sim_process):
    p, _ = sim_process
    assert control(p, "dance").startswith("error")
    assert control(p, "present /nonexistent.json").startswith("error")
    status = control(p, "status")
    assert status.startswith("ok card=yes ") and "port=attached" in status and "bound method" not in status


def test_usage_and_missing_port_exit_codes(tmp_path, capsys):
    assert diag.main(["idcard", "read", "--port", "http://example.invalid/x", "--json"]) == 2
    assert diag.main(["idcard", "read", "--port", "/dev/null/x", "--timeout", "-1", "--json"]) == 2
    assert diag.main(["idcard", "read", "--port", str(tmp_path / "none"), "--json"]) == 1
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["error"] == "not_found"
    assert diag.main(["idcard", "read", "--port", "loop://", "--photo-out", "x", "--json"]) == 2


def test_in_process_sim_url(tmp_path, capsys):
    url = f"sim://idcard?card={CARDS / 'hmt_residence_permit.json'}"
    photo = tmp_path / "photo.wlt"
    assert diag.main(["idcard", "read", "--port", url, "--json", "--reveal", "--photo-out", str(photo)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pass_number"] == "H12345678" and photo.stat().st_size == 1024


def test_control_channel_faults_and_vanish_with_a_stable_link(tmp_path):
    link = tmp_path / "reader"
    p = subprocess.Popen(
        [str(BIN / "kiosk-sim"), "idcard", "--link", str(link), "--sam-delay-scale", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert p.stdout.readline().strip() == str(link)
        card = CARDS / "resident_expired.json"
        for fault in ("fault garbage 40", "fault checksum", "fault half", "fault drop 4"):
            control(p, "remove")
            control(p, f"present {card}")
            assert control(p, fault) == "ok"
            rc, out, err = diag_json("read", "--port", str(link), "--timeout", "3", "--json", "--reveal")
            assert rc == 0 and out["name"] == "王堃", (fault, out, err)
        assert control(p, "vanish") == "ok"
        rc, out, _ = diag_json("read", "--port", str(link), "--json", "--timeout", "0.5")
        assert rc == 1 and out["error"] == "not_found"
        assert control(p, "reappear") == f"ok moved {link}"
        control(p, f"present {card}")
        rc, out, _ = diag_json("read", "--port", str(link), "--json", "--timeout", "2")
        assert rc == 0 and out["id_number"] == "441624********0031"
    finally:
        p.stdin.write("quit\n")
        p.stdin.flush()
        p.wait(timeout=5)
