"""kiosk-diag ticket / printer and kiosk-sim printer from the outside."""

import json
import subprocess
import sys

import cv2

from drivers.printer.render import ticket_bytes
from drivers.printer.sim_cli import apply_command
from drivers.printer.sim_core import PrinterSim
from kiosk.cli.diag import main as diag


def test_diag_ticket_writes_the_bytes_and_a_png(tmp_path, capsys, ticket):
    out, png = tmp_path / "t.bin", tmp_path / "t.png"
    rc = diag(
        [
            "ticket",
            "--policy",
            "heyuan-citywide-2021",
            "--number",
            "A012",
            "--business",
            "marriage",
            "--office",
            "441621",
            "--out",
            str(out),
            "--png",
            str(png),
            "--issued-at",
            "2026-11-26T09:41",
            "--ticket-id",
            "T20261126-0012",
            "--waiting-ahead",
            "5",
            "--priority",
            "--party",
            "张三丰:441621199005011234",
            "--party",
            "李䶮堃:441621199203042345",
            "--json",
        ]
    )
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert out.read_bytes() == ticket_bytes(ticket)
    assert summary["number"] == "A012" and summary["bytes"] == out.stat().st_size
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(png)))
    assert text == "TK1:441621:20261126:A012:T20261126-0012"


def test_diag_ticket_number_forms_and_bad_input(tmp_path, capsys):
    out = tmp_path / "t.bin"
    base = ["ticket", "--business", "marriage", "--office", "441621", "--out", str(out)]
    assert diag(base + ["--number", "12", "--paper-mm", "58", "--raster-qr"]) == 0
    assert b"\x1dv0" in out.read_bytes() and b"\x1d(k" not in out.read_bytes()
    assert diag(base + ["--number", "B012"]) == 2
    assert diag(base[:4] + ["999999", "--out", str(out), "--number", "1"]) == 2
    assert diag(["ticket", "--business", "nope", "--office", "441621", "--out", str(out), "--number", "1"]) == 2
    assert "prefix B" in capsys.readouterr().err


def test_diag_printer_status_and_test_on_the_in_process_simulator(tmp_path, capsys):
    assert diag(["printer", "status", "--port", "sim://printer", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["state"] == "ok" and status["raw"] == "12121212"
    assert diag(["printer", "test", "--port", f"sim://printer?out={tmp_path}", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["outcome"] == "printed" and (tmp_path / "receipt-0001.png").exists()
    assert diag(["printer", "status", "--port", "/dev/kiosk-none", "--json", "--timeout", "0.2"]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "disconnected"
    assert diag(["printer", "status", "--port", "bogus://x"]) == 2


def test_sim_commands():
    sim = PrinterSim()
    assert apply_command("paper out", sim)["condition"]["paper_out"]
    assert not apply_command("paper load 10", sim)["condition"]["paper_out"]
    assert apply_command("cover open", sim)["condition"]["cover_open"]
    assert apply_command("cover close", sim)["ok"]
    assert apply_command("cutter jam", sim)["condition"]["cutter_error"]
    assert apply_command("mute on", sim)["condition"]["mute"]
    assert apply_command("fly away", sim) == {"ok": False, "error": "unknown command 'fly away'"}
    assert apply_command("paper runout x", sim)["ok"] is False


def test_kiosk_sim_printer_process(tmp_path):
    """The pty path comes first on stdout; a diag tool prints through it; commands change the status."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli.sim", "printer", "--out", str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        run = [sys.executable, "-m", "kiosk.cli.diag", "printer"]
        ok = subprocess.run(run + ["test", "--port", path, "--json"], capture_output=True, text=True, timeout=30)
        assert ok.returncode == 0, ok.stderr
        event = json.loads(proc.stdout.readline())
        assert event["event"] == "receipt" and event["complete"] and event["png"].endswith("receipt-0001.png")
        proc.stdin.write("paper out\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["condition"]["paper_out"]
        st = subprocess.run(run + ["status", "--port", path, "--json"], capture_output=True, text=True, timeout=30)
        assert st.returncode == 1 and json.loads(st.stdout)["state"] == "paper_out"
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
