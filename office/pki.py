"""The office's private certificate authority: who may call the office API, proven by mutual TLS.

Layout of a PKI directory (`kiosk-office-server pki init|issue|revoke --dir DIR`):
  ca.crt, ca.key              the office CA (key 0600; keep it off the server if you can)
  server.crt, server.key      the server's certificate (SANs: --server-name, default localhost and 127.0.0.1)
  kiosks/<id>.crt|.key        one per kiosk terminal       (role kiosk,   its office)
  counters/<name>.crt|.key    one per counter workstation  (role counter, its office)
  bureaus/<name>.crt|.key     the city bureau              (role bureau,  an office or "all")
  displays/<name>.crt|.key    a waiting-room display       (role display, its office; read-only)
  <dir>/<name>.p12            with --p12: the same for a browser (PKCS#12, passphrase in <name>.p12.pass, 0600)
  revoked.txt                 serial numbers (hex) the server refuses, one a line; re-read while it runs

A client certificate's subject carries the caller's identity: OU = role, CN = kiosk id or name, O = office code
(or "all"). The server trusts only certificates signed by ca.crt with extended key usage clientAuth.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROLES = ("kiosk", "counter", "bureau", "display")
ROLE_DIRS = {"kiosk": "kiosks", "counter": "counters", "bureau": "bureaus", "display": "displays"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
OFFICE = re.compile(r"^\d{6}$")
CLIENT_DAYS, SERVER_DAYS, CA_DAYS = 397, 397, 3650


class PkiError(Exception):
    """A PKI command cannot be done (bad name, missing CA, would overwrite); the message says why."""


@dataclass(frozen=True)
class Identity:
    role: str
    name: str
    office: str  # six digits, or "all" (bureau only)
    serial: str  # hex, upper case, no leading zeros (canonical_serial), as in revoked.txt

    def label(self) -> str:
        return f"{self.role}:{self.name}@{self.office}"


# -- making certificates -----------------------------------------------------------------------------------------
def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _cert_pem(cert) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


def _load_ca(directory: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        cert = x509.load_pem_x509_certificate((directory / "ca.crt").read_bytes())
        key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), password=None)
    except FileNotFoundError:
        raise PkiError(
            f"{directory}: no CA here (run `kiosk-office-server pki init --dir {directory}` first)"
        ) from None
    return cert, key


_KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def _build(
    subject, issuer_name, issuer_key, public_key, days: int, *, ca: bool = False, server_names=(), client: bool = False
):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = dt.datetime.now(dt.timezone.utc)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    # a CA only signs certificates (and CRLs); a leaf signs and agrees keys in its TLS handshakes
    allowed = {"key_cert_sign", "crl_sign"} if ca else {"digital_signature", "key_agreement"}
    b = b.add_extension(x509.KeyUsage(**{u: u in allowed for u in _KEY_USAGES}), critical=True)
    if not ca:
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        b = b.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if server_names:
        names: list[x509.GeneralName] = []
        for n in server_names:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(n)))
            except ValueError:
                names.append(x509.DNSName(n))
        b = b.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def init(directory: Path | str, server_names: list[str] | None = None, *, force: bool = False) -> dict:
    """Create the office CA and the server's certificate. Refuses to replace an existing CA unless `force`."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    directory = Path(directory)
    if (directory / "ca.key").exists() and not force:
        raise PkiError(
            f"{directory}/ca.key exists: this directory already has a CA (use --force to replace it, "
            "which invalidates every certificate it issued)"
        )
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Heyuan marriage registration office CA")])
    ca = _build(name, name, key, key.public_key(), CA_DAYS, ca=True)
    _write(directory / "ca.key", _key_pem(key), private=True)
    _write(directory / "ca.crt", _cert_pem(ca))
    server = issue_server(directory, server_names or ["localhost", "127.0.0.1"])
    return {"ca": str(directory / "ca.crt"), **server}


def issue_server(directory: Path | str, server_names: list[str]) -> dict:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    directory = Path(directory)
    ca, ca_key = _load_ca(directory)
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, server_names[0])])
    cert = _build(subject, ca.subject, ca_key, key.public_key(), SERVER_DAYS, server_names=server_names)
    _write(directory / "server.key", _key_pem(key), private=True)
    _write(directory / "server.crt", _cert_pem(cert))
    return {
        "server_cert": str(directory / "server.crt"),
        "server_key": str(directory / "server.key"),
        "serial": f"{cert.serial_number:X}",
    }


def issue(directory: Path | str, role: str, name: str, office: str, days: int = CLIENT_DAYS) -> dict:
    """A client certificate for a kiosk, a counter or the bureau; returns the files written and the serial."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    if role not in ROLES:
        raise PkiError(f"role must be one of {', '.join(ROLES)}")
    if not NAME.match(name or ""):
        raise PkiError(f"name {name!r}: 1–64 letters, digits, '.', '_' or '-'")
    if not (OFFICE.match(office or "") or (role == "bureau" and office == "all")):
        raise PkiError(f"office {office!r}: a six-digit office code" + (" or 'all'" if role == "bureau" else ""))
    if not 1 <= days <= 3650:
        raise PkiError("days: 1–3650")
    directory = Path(directory)
    ca, ca_key = _load_ca(directory)
    key = _key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, office),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    cert = _build(subject, ca.subject, ca_key, key.public_key(), days, client=True)
    base = directory / ROLE_DIRS[role] / name
    _write(base.with_suffix(".key"), _key_pem(key), private=True)
    _write(base.with_suffix(".crt"), _cert_pem(cert))
    return {
        "cert": str(base.with_suffix(".crt")),
        "key": str(base.with_suffix(".key")),
        "serial": f"{cert.serial_number:X}",
        "role": role,
        "name": name,
        "office": office,
        "not_after": cert.not_valid_after_utc.isoformat(),
    }


def browser_bundle(directory: Path | str, role: str, name: str, passphrase: str | None = None) -> dict:
    """The issued certificate, its key and the CA as a passphrase-protected PKCS#12 for a browser (AES-256,
    PBKDF2-SHA256). The passphrase (generated unless given) is written beside it, readable by the owner only."""
    import secrets

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    ca_file, cert_file, key_file = client_files(directory, role, name)
    cert = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
    ca = x509.load_pem_x509_certificate(Path(ca_file).read_bytes())
    passphrase = passphrase or "-".join(secrets.token_hex(3) for _ in range(4))
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(100_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase.encode())
    )
    data = pkcs12.serialize_key_and_certificates(f"{role} {name}".encode(), key, cert, [ca], encryption)  # type: ignore[arg-type]
    bundle, secret = Path(cert_file[: -len(".crt")] + ".p12"), Path(cert_file[: -len(".crt")] + ".p12.pass")
    _write(bundle, data, private=True)
    _write(secret, (passphrase + "\n").encode(), private=True)
    return {"p12": str(bundle), "passphrase_file": str(secret), "passphrase": passphrase}


def revoke(
    directory: Path | str, *, serial: str | None = None, cert: Path | str | None = None, reason: str = ""
) -> str:
    """Add a certificate's serial to revoked.txt (the running server re-reads it within a second)."""
    from cryptography import x509

    directory = Path(directory)
    if cert is not None:
        serial = f"{x509.load_pem_x509_certificate(Path(cert).read_bytes()).serial_number:X}"
    if not re.fullmatch(r"(0[xX])?[0-9A-Fa-f]{1,42}", (serial or "").strip()):
        raise PkiError("give --serial HEX or --cert FILE")
    serial = canonical_serial(serial or "")  # not None: checked just above
    path = directory / "revoked.txt"
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if serial not in RevocationList.parse(existing):
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        _write(path, (existing + f"{serial}  # {stamp} {reason}".rstrip() + "\n").encode())
    return serial


def server_tls(directory: Path | str) -> dict:
    """uvicorn's TLS settings: our certificate, and a client certificate from the office CA on every request."""
    import ssl

    directory = Path(directory)
    for name in ("ca.crt", "server.crt", "server.key"):
        if not (directory / name).exists():
            raise PkiError(f"{directory / name}: missing (run `kiosk-office-server pki init --dir {directory}`)")
    return {
        "ssl_certfile": str(directory / "server.crt"),
        "ssl_keyfile": str(directory / "server.key"),
        "ssl_ca_certs": str(directory / "ca.crt"),
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
        "ssl_ciphers": "ECDHE+AESGCM:ECDHE+CHACHA20",
    }


def client_files(directory: Path | str, role: str, name: str) -> tuple[str, str, str]:
    """(ca_file, cert, key) of a client issued in `directory`."""
    base = Path(directory) / ROLE_DIRS[role] / name
    return str(Path(directory) / "ca.crt"), str(base.with_suffix(".crt")), str(base.with_suffix(".key"))


# -- reading identities ------------------------------------------------------------------------------------------
def identity_of(peercert: dict | None) -> Identity | None:
    """The caller's identity from ssl's getpeercert() of a verified client certificate, or None."""
    if not peercert:
        return None
    fields: dict[str, str] = {}
    for rdn in peercert.get("subject", ()):
        for key, value in rdn:
            fields.setdefault(key, value)
    role, name, office = (
        fields.get("organizationalUnitName"),
        fields.get("commonName"),
        fields.get("organizationName"),
    )
    if role not in ROLES or not name or not office:
        return None
    if not (OFFICE.match(office) or (role == "bureau" and office == "all")):
        return None
    return Identity(role, name, office, canonical_serial(str(peercert.get("serialNumber", ""))))


def canonical_serial(serial: str) -> str:
    """Hex, upper case, no leading zeros (OpenSSL pads an odd number of digits with one)."""
    return serial.strip().upper().removeprefix("0X").lstrip("0") or "0"


class RevocationList:
    """revoked.txt, re-read when it changes (checked at most once a second)."""

    def __init__(self, path: Path | str | None, monotonic=time.monotonic):
        self.path, self.monotonic = (Path(path) if path else None), monotonic
        self._serials: frozenset[str] = frozenset()
        self._mtime: float | None = None
        self._checked: float | None = None  # when the file was last looked at (read at the first call)
        self._lock = threading.Lock()

    @staticmethod
    def parse(text: str) -> frozenset[str]:
        return frozenset(
            canonical_serial(line.split("#")[0]) for line in text.splitlines() if line.split("#")[0].strip()
        )

    def serials(self) -> frozenset[str]:
        if self.path is None:
            return frozenset()
        now = self.monotonic()
        with self._lock:
            if self._checked is None or now - self._checked >= 1.0:
                self._checked = now
                try:
                    mtime = self.path.stat().st_mtime_ns
                except FileNotFoundError:
                    self._serials, self._mtime = frozenset(), None
                else:
                    if mtime != self._mtime:
                        self._serials = self.parse(self.path.read_text(encoding="utf-8"))
                        self._mtime = mtime
            return self._serials

    def revoked(self, serial: str) -> bool:
        return canonical_serial(serial) in self.serials()
