"""kiosk.service: `systemd-analyze verify` clean and `systemd-analyze security` exposure ≤ 3.0; the deploy files.

systemd-analyze is not a dependency of the project: these tests skip cleanly where it is absent."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

UNIT = REPO_ROOT / "kiosk.service"
ANALYZE = shutil.which("systemd-analyze")
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze not installed")


def unit_options() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def unit_copy(tmp_path: Path) -> Path:
    """The unit with ExecStart on /bin/true: cage and the venv are not installed on a build machine."""
    text = re.sub(r"^ExecStart=.*$", "ExecStart=/bin/true", UNIT.read_text(), flags=re.M)
    path = tmp_path / "kiosk.service"
    path.write_text(text)
    return path


def test_unit_has_the_required_settings():
    o = unit_options()
    for key, value in {
        "Type": "notify",
        "NotifyAccess": "all",
        "Restart": "always",
        "User": "heyuan-kiosk",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes",
        "ProtectControlGroups": "yes",
        "RestrictNamespaces": "yes",
        "LockPersonality": "yes",
        "StateDirectory": "heyuan-kiosk",
        "CapabilityBoundingSet": "",
        "PAMName": "heyuan-kiosk",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    }.items():
        assert o.get(key) == [value], key
    assert set(o["SupplementaryGroups"][0].split()) >= {"dialout", "video", "lp"}
    assert int(o["WatchdogSec"][0]) > 0
    assert "@system-service" in o["SystemCallFilter"]
    assert o["ExecStart"] == [
        "/usr/bin/cage -- /opt/heyuan-kiosk/current/venv/bin/kiosk --config /etc/heyuan-kiosk/kiosk.toml"
    ]
    # These would break the kiosk (see the comments in the unit).
    for forbidden in ("PrivateDevices", "MemoryDenyWriteExecute", "DevicePolicy", "ProcSubset"):
        assert forbidden not in o


@needs_analyze
def test_systemd_analyze_verify_is_clean(tmp_path):
    r = subprocess.run([ANALYZE, "verify", str(unit_copy(tmp_path))], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stderr.strip() == "", r.stderr


@needs_analyze
def test_systemd_analyze_security_exposure(tmp_path):
    r = subprocess.run(
        [ANALYZE, "security", "--offline=true", "--no-pager", str(unit_copy(tmp_path))],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if r.returncode != 0 and "offline" in r.stderr:
        pytest.skip("this systemd-analyze has no --offline (systemd < 250)")
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d)", r.stdout)
    assert m, r.stdout + r.stderr
    exposure = float(m.group(1))
    print(f"systemd-analyze security exposure: {exposure}")
    assert exposure <= 3.0


def test_udev_rules_name_the_devices():
    rules = (REPO_ROOT / "deploy" / "99-heyuan-kiosk.rules").read_text()
    for name in ("kiosk-idcard", "kiosk-scanner", "kiosk-printer"):
        assert f'SYMLINK+="{name}"' in rules
    for line in rules.splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r'(\w+(\{\w+\})?(==|\+=|=)"[^"]*"(, )?)+', line.strip()), line


def test_install_script_parses_and_production_config_is_valid():
    from kiosk.config import load_kiosk_config

    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n", str(REPO_ROOT / "scripts" / "install-terminal.sh")]).returncode == 0
    config = load_kiosk_config(REPO_ROOT / "deploy" / "kiosk.production.toml")
    o = unit_options()
    assert str(config.state_dir) == "/var/lib/" + o["StateDirectory"][0]
    assert o["ExecStart"][0].endswith("--config /etc/heyuan-kiosk/kiosk.toml")
    assert config.kiosk.demo_controls is False and config.backend.start_bundled is False
