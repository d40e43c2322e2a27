"""The kiosk entry point: a broken config stops with one message naming file and key; the demo starts."""

import pytest

from tests.ui.conftest import run_cli


def test_broken_config_names_file_and_key(tmp_path):
    bad = tmp_path / "kiosk.toml"
    from kiosk.config import DEFAULT_CONFIG

    bad.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace("idle_warning_s = 25", "idle_warning_s = 5"))
    proc = run_cli(["-m", "kiosk.cli.kiosk_main", "--config", str(bad)], timeout=60)
    assert proc.returncode == 2
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and str(bad) in lines[0] and "kiosk.idle_warning_s" in lines[0], proc.stderr


@pytest.mark.slow  # the whole demo started as a process
def test_demo_starts_and_runs(tmp_path):
    import re

    proc = run_cli(
        ["-m", "kiosk.cli.kiosk_main", "--demo", "--headless", "--run-for", "4"],
        timeout=90,
        env_extra={"HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # issue 20: the demo prints this run's technician PIN and where its tickets land as PNGs
    assert re.search(r"office name .*5 times, PIN \d{6} \(this run only\)", proc.stdout), proc.stdout
    assert re.search(r"PNG files in \S*tickets$", proc.stdout, re.M), proc.stdout
    # issue 27: and where the bureau page is, with the certificate made for it
    assert re.search(
        r"booking advice .* is at https://127\.0\.0\.1:\d+/bureau/ with the bureau certificate \S+\.crt", proc.stdout
    )
    # issue 26: the office's pages with a certificate a browser imports
    for page, p12 in (("/counter/", "counters/window-1.p12"), ("/display/", "displays/tv1.p12")):
        pattern = rf"https://127\.0\.0\.1:\d+{page} — import \S*{p12} into the browser \(passphrase [0-9a-f-]{{27}};"
        assert re.search(pattern, proc.stdout), proc.stdout


def test_lock_down_settings_before_kivy(tmp_path):
    code = (
        "from kiosk.ui import kivy_env\n"
        f"kivy_env.prepare({str(tmp_path / 'kivy')!r}, fullscreen=True, show_cursor=False)\n"
        "from kivy.config import Config\n"
        "import os\n"
        "print(Config.get('kivy', 'exit_on_escape'), Config.get('input', 'mouse'),\n"
        "      Config.get('graphics', 'fullscreen'), Config.get('graphics', 'show_cursor'), os.environ['KIVY_HOME'])\n"
    )
    proc = run_cli(["-c", code], timeout=60)
    assert proc.returncode == 0, proc.stderr
    escape, mouse, fullscreen, cursor, home = proc.stdout.split()
    assert escape == "0" and mouse == "mouse,disable_multitouch"
    assert fullscreen == "auto" and cursor == "0"
    assert home == str(tmp_path / "kivy")
