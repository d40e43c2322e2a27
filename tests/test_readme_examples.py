"""The README's worked examples of `kiosk-diag check` give the answers it shows. They run in-process (the same
`kiosk-diag` entry point, stdin and stdout swapped) so mutation testing sees which rules they exercise; one test
runs the command as a real subprocess."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli.diag import main as diag_main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"^\$ echo '(.+)' \| kiosk-diag check\n(\{.*\})$", README, flags=re.M)


def check(case: str, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(case))
    code = diag_main(["check"])
    out, err = capsys.readouterr()
    return code, out, err


def test_readme_has_examples_of_every_decision():
    decisions = {json.loads(shown)["decision"] for _, shown in EXAMPLES}
    assert decisions == {"accept", "redirect", "staff", "refuse"}


@pytest.mark.parametrize("case,shown", EXAMPLES, ids=[json.loads(s)["decision"] for _, s in EXAMPLES])
def test_example(case, shown, monkeypatch, capsys):
    code, out, err = check(case, monkeypatch, capsys)
    assert code == 0, err
    out = json.loads(out)
    assert {k: out[k] for k in json.loads(shown)} == json.loads(shown)
    assert out["message"]["zh"] and out["message"]["en"]


@pytest.mark.parametrize(
    "case,needle",
    [
        ("{not json", "not valid JSON"),
        ('{"business": "wedding", "date": "2026-11-26", "parties": [{}]}', "marriage"),
        ('{"business": "marriage", "date": "2026-02-30", "parties": [{}]}', "not a real date"),
        ('{"business": "marriage", "date": 20261126, "parties": [{}]}', "not a real date"),
        ('{"business": "marriage", "date": "2026-11-26", "parties": [{"document": "driving_licence"}]}', "resident_id"),
        ('{"business": "marriage", "date": "2026-11-26", "parties": [{"birth": "1990-13-01"}]}', "not a real date"),
        ('{"business": "marriage", "date": "2026-11-26", "parties": []}', "non-empty"),
        ('{"business": "marriage", "date": "2026-11-26", "parties": [{}], "colour": 1}', "unknown field"),
        ('{"business": "marriage", "date": "2026-11-26", "parties": [{"colour": 1}]}', "unknown party field"),
        (
            '{"business": "divorce_certificate", "date": "2026-11-26", "parties": [{"id_number": "441621199005011218"}]}',
            "divorce_application",
        ),
        ('{"business": "marriage", "office": "999999", "date": "2026-11-26", "parties": [{}]}', "441602"),
        ('[1, 2]', "JSON object"),
        (
            '{"policy": "heyuan-citywide-2021", "business": "marriage", "date": "2025-05-10", "parties": [{}]}',
            "in force from 2021-06-21 to 2025-05-09, not on 2025-05-10",
        ),
        (
            '{"policy": "national-2025", "business": "marriage", "date": "2025-05-09", "parties": [{}]}',
            "not on 2025-05-09",
        ),
        ('{"business": "marriage", "date": "1999-01-01", "parties": [{}]}', "no policy is in force on 1999-01-01"),
        ('{"policy": "heyuan-2030", "business": "marriage", "date": "2026-11-26", "parties": [{}]}', "known"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(case, needle, monkeypatch, capsys):
    code, out, err = check(case, monkeypatch, capsys)
    assert code == 2 and needle in err and "Traceback" not in err and not out, err
    assert len(err.strip().splitlines()) == 1, err


def test_date_defaults_to_today_in_china():
    from kiosk.services.backend_status import local_now

    case = (
        '{"business": "marriage", "parties": [{"document": "resident_id", "id_number": "441621199005011218", '
        '"address": "广东省紫金县紫城镇永安路2号", "valid_until": "long_term"}, {"document": "resident_id", '
        '"id_number": "430104199308081225", "address": "湖南省长沙市岳麓区8号", "valid_until": "2999-01-01"}]}'
    )
    r = subprocess.run([sys.executable, "-m", "kiosk.cli.diag", "check"], input=case, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["decision"] == "accept", local_now()
