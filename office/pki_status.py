"""`kiosk-office-server pki status --dir DIR [--within-days 30]`: the office CA, the server's own certificate and
every certificate issued in the PKI directory, with the days left; those expiring within the days given (and not
revoked) are listed under "expiring", so a cron job or the admin sees the renewals due before a kiosk goes dark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from office.pki import ROLE_DIRS, PkiError, RevocationList, canonical_serial

WITHIN_DAYS = 30


def _describe(path: Path, now: dt.datetime, revoked: frozenset[str]) -> dict:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as e:
        return {"file": str(path), "problem": str(e) or type(e).__name__}
    serial = canonical_serial(f"{cert.serial_number:X}")
    left = cert.not_valid_after_utc - now
    return {
        "file": str(path),
        "subject": cert.subject.rfc4514_string(),
        "serial": serial,
        "not_after": cert.not_valid_after_utc.isoformat(),
        "days_left": int(left.total_seconds() / 86400),
        "expired": left.total_seconds() <= 0,
        "revoked": serial in revoked,
    }


def status(directory: Path | str, within_days: int = WITHIN_DAYS, now: dt.datetime | None = None) -> dict:
    directory = Path(directory)
    if not (directory / "ca.crt").exists():
        raise PkiError(f"{directory}: no CA here (run `kiosk-office-server pki init --dir {directory}` first)")
    if not 0 <= within_days <= 3650:
        raise PkiError("within-days: 0–3650")
    now = now or dt.datetime.now(dt.timezone.utc)
    revoked = (
        RevocationList.parse((directory / "revoked.txt").read_text(encoding="utf-8"))
        if (directory / "revoked.txt").exists()
        else frozenset()
    )
    out: dict = {
        "ca": _describe(directory / "ca.crt", now, revoked),
        "server": _describe(directory / "server.crt", now, revoked),
        "issued": [],
        "within_days": within_days,
    }
    for role, folder in ROLE_DIRS.items():
        for path in sorted((directory / folder).glob("*.crt")):
            out["issued"].append({"role": role, "name": path.stem, **_describe(path, now, revoked)})
    candidates = [{"role": "ca", "name": "ca", **out["ca"]}, {"role": "server", "name": "server", **out["server"]}]
    out["expiring"] = [
        c
        for c in candidates + out["issued"]
        if "problem" not in c and not c["revoked"] and c["days_left"] <= within_days
    ]
    return out
