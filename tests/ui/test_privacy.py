"""After a session ends no name or ID number remains in any widget property or gc-reachable string."""

import json

import heyuan_assets as assets
from tests.ui.conftest import run_cli

CARD = assets.path("samples", "cards", "privacy_card.json")


def test_nothing_personal_left_after_the_session():
    proc = run_cli(["-m", "kiosk.cli.diag", "journey", "privacy", "--json", "--verbose", "--privacy-check", str(CARD)])
    out = json.loads(proc.stdout)
    assert out["ok"], out
    assert out["ticket"] is not None, "the session should go all the way to a printed ticket"
    assert out["privacy_control_hits"], "mid-session the search must find the applicant's data"
    assert out["privacy_hits"] == []
    assert out["privacy_file_hits"] == []  # journal, Kivy home, tickets: nothing in clear
    assert "INFO" in proc.stderr  # the log was on, and holds neither name nor number
    card = json.loads(CARD.read_text(encoding="utf-8"))
    assert card["name"] not in proc.stdout + proc.stderr
    assert card["id_number"] not in proc.stdout + proc.stderr
