"""What a terminal needs over a year besides its devices: next year's holiday calendar installed in time, and
certificates renewed before they expire. The figures go to the device board (maintenance screen) and from there
to the metrics; `kiosk-diag holidays` and `kiosk-diag backend ping` print them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from kiosk.domain.dates import RestDays


def calendar_outlook(rest_days: RestDays, today: date) -> dict:
    """The years covered, and the year whose calendar is due and missing (this year's, or from 1 November
    next year's); None when nothing is due."""
    return {"covered": sorted(rest_days.notices), "missing": rest_days.calendar_missing(today), "year": today.year}


# Certificates (the kiosk's own, issued for 397 days, and the office CA's) are renewed by hand: warn this early.
CERT_WARN_DAYS = 30


def certificate_expiry(path: str | Path) -> dict:
    """{"file", "not_after", "subject"} of a PEM certificate, or {"file", "problem"} if it cannot be read."""
    import os

    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(Path(os.path.expandvars(os.path.expanduser(path))).read_bytes())
    except OSError as e:
        return {"file": str(path), "problem": e.strerror or type(e).__name__}
    except ValueError:
        return {"file": str(path), "problem": "not a PEM certificate"}
    return {"file": str(path), "not_after": cert.not_valid_after_utc, "subject": cert.subject.rfc4514_string()}


def days_left(expiry: dict, now: datetime) -> dict:
    """An expiry with the whole days left from `now` (whole days since, negated, once expired) and its state: ok, expiring (within
    CERT_WARN_DAYS), expired or unreadable."""
    if "not_after" not in expiry:
        return {**expiry, "days_left": None, "state": "unreadable"}
    left = int((expiry["not_after"] - now).total_seconds() / 86400)
    expired = expiry["not_after"] <= now
    state = "expired" if expired else "expiring" if left <= CERT_WARN_DAYS else "ok"
    return {**expiry, "not_after": expiry["not_after"].isoformat(), "days_left": left, "state": state}


def certificate_outlook(ca_file: str, client_cert: str, now: datetime) -> dict:
    """The kiosk's certificate and the office CA's, as days_left() gives them; {} without mutual TLS."""
    files = (("kiosk", client_cert), ("ca", ca_file))
    return {name: days_left(certificate_expiry(path), now) for name, path in files if path}
