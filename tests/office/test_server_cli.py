"""`kiosk-office-server --seed demo` as a process: serves /openapi.json and /healthz."""

import socket
import subprocess
import sys
import time

import requests


def test_server_process_starts_seeded(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "office",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "o.db"),
            "--seed",
            "demo",
            "--now",
            "2026-11-26T10:05",
            "--tls-dir",
            str(tmp_path / "pki"),
            "--demo-kiosk",
            "k9@441625",
        ],
        stderr=subprocess.PIPE,
    )
    try:
        url, deadline = f"https://127.0.0.1:{port}", time.monotonic() + 20
        s = requests.Session()
        s.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
        s.verify, s.cert = (
            str(tmp_path / "pki/ca.crt"),
            (str(tmp_path / "pki/kiosks/k9.crt"), str(tmp_path / "pki/kiosks/k9.key")),
        )
        while True:
            try:
                health = s.get(url + "/healthz", timeout=1)
                break
            except (requests.ConnectionError, OSError):
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert health.json()["time"].startswith("2026-11-26T10:05")
        assert s.get(url + "/openapi.json", timeout=2).json()["info"]["title"]
        # the first list of the day hashes its parties (scrypt, ≈ 40 ms each): not a timing test
        appts = s.get(url + "/v1/offices/441625/appointments", timeout=60).json()["appointments"]
        assert 0 < len(appts) < 12 and appts[0]["date"] == "2026-11-26"  # the seed's morning windows have closed
    finally:
        s.close()
        proc.terminate()
        proc.wait(10)


def test_bad_usage_exits_2(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "office", "--db", str(tmp_path / "o.db"), "--now", "soon", "--tls-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 2 and "--now" in r.stderr
