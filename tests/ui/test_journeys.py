"""Every scripted journey through the real app (offscreen Kivy, simulators, office server on loopback)."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.ui.conftest import run_cli

EXPECTED_END = {
    "booked-couple": ["consent", "face_1", "face_2", "confirm", "printing", "done", "attract"],
    "walk-in": ["choose_business", "read_id_1", "read_id_2", "eligibility", "consent", "confirm", "printing", "done"],
    "wrong-office-redirect": ["appointment", "eligibility", "attract"],
    "hukou-office-only": ["read_id_1", "eligibility", "attract"],
    "printer-out": ["confirm", "printing", "printer_problem", "attract"],
    "backend-down": ["confirm", "printing", "done", "attract"],
    "idle-timeout": ["choose_business", "idle_warning", "attract"],
    "card-unplugged": ["read_id_1", "device_fault", "read_id_1", "read_id_2", "attract"],
    "call-staff": ["read_id_1", "attract", "service_menu", "attract"],
    "demo-strip": [
        "read_id_1",
        "read_id_2",
        "eligibility",
        "consent",
        "face_1",
        "face_2",
        "confirm",
        "printing",
        "done",
        "attract",
    ],
    "demo-technician": ["attract", "maintenance_login", "maintenance", "attract"],
    "face-mismatch": ["face_1", "face_2", "confirm", "printing", "done", "attract"],
    "same-face-twice": ["face_1", "face_2", "confirm", "printing", "done", "attract"],
    "photo-attack": ["face_1", "face_2", "confirm", "printing", "done", "attract"],
    "fingerprint-fallback": ["face_1", "finger_1", "face_2", "confirm", "printing", "done", "attract"],
}
KEYS = {"scenario", "states", "ticket", "touches", "machine_time_s", "ok"}
# Three kiosks, each taking its applicants one after another (one start-up and one office server each), at the same
# time: the face journeys wait mostly on the camera's real time (three tries, each with a liveness challenge of up
# to 8 s), so they are spread over the three. A kiosk checks in at most three bookings: the bundled server seeds
# three walk-through bookings a day per office.
KIOSKS = (
    (
        "face-mismatch",
        "demo-strip",
        "walk-in",
        "wrong-office-redirect",
        "hukou-office-only",
        "idle-timeout",
        "call-staff",
    ),
    ("booked-couple", "photo-attack", "card-unplugged", "demo-technician", "printer-out"),
    ("fingerprint-fallback", "same-face-twice", "backend-down"),
)
pytestmark = [pytest.mark.timeout(1800), pytest.mark.slow]


class Run:
    def __init__(self, names, proc):
        self.names, self.proc = names, proc
        out = json.loads(proc.stdout) if proc.stdout.strip() else []
        self.out = out if isinstance(out, list) else [out]


@pytest.fixture(scope="module")
def runs():
    def one(names):
        return Run(names, run_cli(["-m", "kiosk.cli.diag", "journey", *names, "--json"], timeout=600))

    with ThreadPoolExecutor(max_workers=len(KIOSKS)) as pool:
        return list(pool.map(one, KIOSKS))


@pytest.fixture(scope="module")
def results(runs):
    """scenario → its result (kiosk-diag journey's JSON)"""
    return {out["scenario"]: out for run in runs for out in run.out}


def test_every_scenario_runs_once():
    assert sorted(n for names in KIOSKS for n in names) == sorted(EXPECTED_END)


@pytest.mark.parametrize("name", list(EXPECTED_END))
def test_journey(runs, results, name):
    run = next(run for run in runs if name in run.names)
    assert name in results, run.proc.stderr[-2000:]
    out = results[name]
    assert KEYS <= set(out)
    assert out["ok"], out
    assert out["scenario"] == name
    states = out["states"]
    tail = EXPECTED_END[name]
    assert any(states[i : i + len(tail)] == tail for i in range(len(states))), states
    assert out["machine_time_s"] >= 0


def test_a_run_exits_zero_when_every_journey_is_ok(runs):
    for run in runs:
        assert [out["scenario"] for out in run.out] == list(run.names), run.proc.stderr[-2000:]
        assert (run.proc.returncode == 0) == all(out["ok"] for out in run.out), run.proc.returncode


def test_the_demo_opens_the_technician_side_with_its_pin(results):
    """Issue 20: five taps on the office name and this run's demo PIN open maintenance; every page shows; the
    login is on the audit log, marked as the demo's."""
    out = results["demo-technician"]
    assert out["ok"], out
    assert set(out["notes"]["pages"]) == {"devices", "selftest", "counters", "logs", "settings", "journal", "report"}
    assert ["login", True] in out["notes"]["audit"]


def test_booked_couple_is_quick_to_use(results):
    out = results["booked-couple"]
    assert out["face_textures_left"] == 0  # the photos shown for review are gone with the session
    assert out["touches"] <= 4  # besides placing the cards and facing the camera
    assert out["ticket"]["number"] and out["ticket"]["offline"] is False


def test_cues_sound_with_the_screens(results):
    booked, printer_out, idle = (results[n] for n in ("booked-couple", "printer-out", "idle-timeout"))
    assert booked["sounds"] == ["read", "read", "read", "ticket"]  # booking code, two cards, the ticket
    assert booked["ui_ready"]  # the cues were loaded after the warm-up
    assert printer_out["sounds"][-1] == "attention" and "ticket" not in printer_out["sounds"]
    assert idle["sounds"] == ["attention"]


def test_prompts_are_spoken_with_the_screens(results):
    booked = results["booked-couple"]
    spoken = booked["spoken"]  # started through SDL's dummy audio driver (a null sink)
    # (the booking screen shows for a frame after the scan: its prompt may be cut before it starts)
    for prompt in ("zh/read_id_1", "zh/card_read", "zh/face_1", "zh/photo_taken"):
        assert prompt in spoken, spoken
    assert spoken.index("zh/read_id_1") < spoken.index("zh/card_read") < spoken.index("zh/face_1")


def test_calling_staff_online_and_offline(results):
    # the scenario checks the session is kept, the idle time lengthened, "call sent" shown until a counter takes
    # the call, then "staff on the way", and that the journaled call reaches the office once the network is back
    out = results["call-staff"]
    assert out["ok"], out
    assert out["sounds"] == ["call"]  # the offline call's tone, and only that
    spoken = out["spoken"]
    assert spoken.index("zh/staff_sent") < spoken.index("zh/staff_on_the_way") and spoken[-1] == "zh/staff_offline"


def test_offline_ticket_when_backend_down(results):
    out = results["backend-down"]
    assert out["ticket"]["offline"] is True


def test_printer_out_shows_the_number(results):
    out = results["printer-out"]
    assert out["ticket"]["number"]


def test_maintenance_counters_count_the_journeys_tickets(results):
    # the shell feeds every event and effect to Maintenance.observe (issue 8 wiring)
    walk_in, booked = (results[n] for n in ("walk-in", "booked-couple"))
    assert walk_in["counters"]["tickets_total"] == 1 and walk_in["counters"]["checkins_total"] == 0
    assert walk_in["counters"]["tickets"] == {walk_in["ticket"]["business"]: 1}
    assert booked["counters"]["tickets_total"] == 1 and booked["counters"]["checkins_total"] == 1


def _verified_by(name, results):
    return [v["verified_by"] for v in results[name]["verification"]]


def test_each_face_is_compared_with_the_card_photo(results):
    booked = results["booked-couple"]["verification"]
    assert [v["verified_by"] for v in booked] == ["face", "face"], booked
    assert all(v["result"] == "match" and v["score"] >= 0.363 and 1 <= v["attempts"] <= 3 for v in booked), booked
    assert _verified_by("walk-in", results) == ["staff", "staff"]  # declined: the counter checks


def test_someone_elses_face_never_ends_verified_by_face(results):
    mismatch = results["face-mismatch"]["verification"]
    assert mismatch[0]["verified_by"] == "staff" and mismatch[0]["result"] == "no_match"
    assert mismatch[0]["attempts"] == 3
    assert _verified_by("same-face-twice", results)[1] == "staff"
    assert _verified_by("photo-attack", results)[0] == "staff"
    finger = results["fingerprint-fallback"]["verification"]
    assert finger[0]["verified_by"] == "fingerprint" and finger[0]["score"] >= 60
