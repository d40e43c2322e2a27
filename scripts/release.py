#!/usr/bin/env python3
"""Offline, signed release bundles for kiosk terminals (see deploy/README.md, "Releases").

    release.py keygen --out DIR               an Ed25519 signing key pair (release-signing.key 0600, .pub)
    release.py lock                           requirements.lock: every runtime dependency, pinned, with its hash
    release.py wheelhouse DIR                 download the locked wheels (hash-checked) into DIR (kept as a cache)
    release.py build --key KEY [--out DIR]    wheel + wheelhouse + lock + unit/udev/config templates + installer,
                                              a MANIFEST of SHA-256 digests and MANIFEST.sig (Ed25519)
    release.py bundle --wheel W --key KEY …   the same from an already built wheel (tests, rebuilds)

A bundle is a folder `heyuan-kiosk-<version>/` plus the same as a .tar for carrying on a USB stick.
`scripts/install-terminal.sh BUNDLE` verifies it with openssl and the terminal's trusted public key.
Run with the project's venv python (cryptography is a pinned dependency).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"
PROJECT = "heyuan-marriage-kiosk"
# What goes beside the wheel: the unit, udev rules, PAM stack and config template; the installer itself.
DEPLOY_FILES = {
    "kiosk.service": REPO / "kiosk.service",
    "99-heyuan-kiosk.rules": REPO / "deploy" / "99-heyuan-kiosk.rules",
    "pam.d-heyuan-kiosk": REPO / "deploy" / "pam.d-heyuan-kiosk",
    "kiosk.production.toml": REPO / "deploy" / "kiosk.production.toml",
    "README.md": REPO / "deploy" / "README.md",
}
INSTALLER = REPO / "scripts" / "install-terminal.sh"
MANIFEST_HEADER = "# heyuan-kiosk release manifest 1"


def pip_env() -> dict[str, str]:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)  # pip must not see a checkout's modules
    return env


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- keys and signatures ----------------------------------------------------------------------------------------


def keygen(out: Path) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    out.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private, public = out / "release-signing.key", out / "release-signing.pub"
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private, public


def sign(key_file: Path, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"release: {key_file} is not an Ed25519 private key")
    return key.sign(data)


# --- the lock ---------------------------------------------------------------------------------------------------


def runtime_pins() -> list[str]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]


def lock(out: Path = LOCK) -> Path:
    """Resolve the runtime dependencies (and theirs) for this platform and write name==version --hash lines."""
    with tempfile.TemporaryDirectory() as tmp:
        report, tested = Path(tmp) / "report.json", Path(tmp) / "tested.txt"
        # Prefer the versions this environment runs (what the test suite passed with) for indirect dependencies.
        tested.write_text(
            "".join(
                f"{d.metadata['Name']}=={d.version}\n"
                for d in metadata.distributions()
                if d.metadata["Name"] and d.metadata["Name"].lower() != PROJECT
            )
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--dry-run",
                "--ignore-installed",
                "--only-binary=:all:",
                "--constraint",
                str(tested),
                "--report",
                str(report),
                *runtime_pins(),
            ],
            check=True,
            env=pip_env(),
            cwd=tmp,
        )
        items = json.loads(report.read_text())["install"]
    lines = [
        "# Every runtime dependency of the kiosk, pinned with its wheel's hash (Python 3.11, Linux x86_64).",
        "# Generated by scripts/release.py lock from pyproject.toml (indirect ones at the versions the tests ran with);",
        "# release bundles install exactly this.",
        "",
    ]
    for item in sorted(items, key=lambda i: i["metadata"]["name"].lower()):
        meta, hashes = item["metadata"], item["download_info"].get("archive_info", {}).get("hashes", {})
        if "sha256" not in hashes:
            raise SystemExit(f"release: no sha256 for {meta['name']}")
        lines.append(f"{meta['name']}=={meta['version']} --hash=sha256:{hashes['sha256']}")
    out.write_text("\n".join(lines) + "\n")
    return out


def wheelhouse(directory: Path, lock_file: Path = LOCK) -> Path:
    """The locked wheels, hash-checked; files already there are reused (pip checks their hashes)."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--require-hashes",
            "-r",
            str(lock_file),
            "-d",
            str(directory),
        ],
        check=True,
        env=pip_env(),
    )
    return directory


def locked_files(directory: Path, lock_file: Path = LOCK) -> list[Path]:
    """The wheels of `directory` that the lock names (a cache may hold others)."""
    wanted = {}
    for line in lock_file.read_text().splitlines():
        if line and not line.startswith("#"):
            wanted[line.split("--hash=sha256:")[1].strip()] = line.split("==")[0]
    found = {sha256(p): p for p in directory.glob("*.whl") if p.stat().st_size}
    missing = sorted(name for digest, name in wanted.items() if digest not in found)
    if missing:
        raise SystemExit(f"release: wheelhouse lacks {missing}")
    return sorted(found[d] for d in wanted)


# --- the wheel and the bundle -----------------------------------------------------------------------------------


def build_wheel(out: Path) -> Path:
    """The project's wheel, built from a copy of the checkout's files (those git tracks or would; never ignored
    ones such as .venv or build output), so the checkout stays clean."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        tracked = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            check=True,
            capture_output=True,
        ).stdout
        for name in filter(None, tracked.decode().split("\0")):
            if (REPO / name).is_file():
                (src / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / name, src / name)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(src)],
            check=True,
            env=pip_env(),
            cwd=tmp,
        )
    wheels = sorted(out.glob("heyuan_marriage_kiosk-*.whl"), key=lambda p: p.stat().st_mtime)
    return wheels[-1]


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def bundle(
    wheel: Path,
    key: Path,
    out: Path,
    house: Path,
    lock_file: Path = LOCK,
    deploy_files: dict[str, Path] | None = None,
    installer: Path = INSTALLER,
) -> Path:
    """Lay out heyuan-kiosk-<version>/ under `out`, write and sign its MANIFEST, and tar it beside."""
    version = wheel_version(wheel)
    root = out / f"heyuan-kiosk-{version}"
    if root.exists():
        shutil.rmtree(root)
    for sub in ("wheel", "wheelhouse", "deploy"):
        (root / sub).mkdir(parents=True)
    shutil.copy2(wheel, root / "wheel" / wheel.name)
    for path in locked_files(house, lock_file):
        os.link(path, root / "wheelhouse" / path.name) if _same_fs(path, root) else shutil.copy2(
            path, root / "wheelhouse"
        )
    shutil.copy2(lock_file, root / "requirements.lock")
    for name, src in (deploy_files or DEPLOY_FILES).items():
        shutil.copy2(src, root / "deploy" / name)
    shutil.copy2(installer, root / "install-terminal.sh")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    manifest = [MANIFEST_HEADER, f"# version {version}"]
    manifest += [f"{sha256(p)}  {p.relative_to(root)}" for p in files]
    data = ("\n".join(manifest) + "\n").encode()
    (root / "MANIFEST").write_bytes(data)
    (root / "MANIFEST.sig").write_bytes(sign(key, data))
    tar = out / f"heyuan-kiosk-{version}.tar"
    with tarfile.open(tar, "w") as t:
        t.add(root, arcname=root.name)
    return root


def _same_fs(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


def default_cache() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "heyuan-kiosk" / "wheelhouse"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="release.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keygen")
    k.add_argument("--out", type=Path, required=True)
    sub.add_parser("lock")
    w = sub.add_parser("wheelhouse")
    w.add_argument("dir", type=Path, nargs="?", default=None)
    for name in ("build", "bundle"):
        b = sub.add_parser(name)
        b.add_argument(
            "--key",
            type=Path,
            default=os.environ.get("KIOSK_RELEASE_KEY"),
            help="Ed25519 private key (PEM); default $KIOSK_RELEASE_KEY",
        )
        b.add_argument("--out", type=Path, default=REPO / "dist")
        b.add_argument("--wheelhouse", type=Path, default=None, help=f"wheel cache (default {default_cache()})")
        if name == "bundle":
            b.add_argument("--wheel", type=Path, required=True)
    args = p.parse_args(argv)
    if args.cmd == "keygen":
        private, public = keygen(args.out)
        print(f"{private}\n{public}")
        return 0
    if args.cmd == "lock":
        print(lock())
        return 0
    if args.cmd == "wheelhouse":
        print(wheelhouse(args.dir or default_cache()))
        return 0
    if not args.key or not Path(args.key).is_file():
        p.error("--key: the Ed25519 signing key (release.py keygen makes one)")
    house = wheelhouse(args.wheelhouse or default_cache())
    wheel = args.wheel if args.cmd == "bundle" else build_wheel(args.out / "wheel")
    root = bundle(wheel, args.key, args.out, house)
    print(root)
    print(root.parent / f"{root.name}.tar")
    return 0


if __name__ == "__main__":
    sys.exit(main())
