"""Where the kiosk's two secrets at rest come from: the journal's key and the private key of its TLS certificate.

On a terminal with a TPM2, scripts/install-terminal.sh seals both with `systemd-creds encrypt --with-key=tpm2` into
/etc/credstore.encrypted/, and kiosk.service hands them over decrypted, in memory, with LoadCredentialEncrypted=:
the kiosk reads them from $CREDENTIALS_DIRECTORY and no plain copy stays on the disk. Without a sealed credential
the unit's SetCredential= gives the marker `unsealed` instead, and the kiosk falls back to its plain files (the
journal key in the state dir, `backend.client_key`) — and says so loudly: a warning in the log, a fault row on the
maintenance Devices page and `kiosk_secret_sealed 0` in the metrics.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

JOURNAL_KEY, TLS_KEY = "journal.key", "kiosk.key"  # credential names (kiosk.service, install-terminal.sh)
UNSEALED = b"unsealed"  # what kiosk.service's SetCredential= gives when nothing was sealed


def credential(name: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """The decrypted credential's file, or None when the kiosk has none (not under systemd, or not sealed)."""
    directory = (os.environ if environ is None else environ).get("CREDENTIALS_DIRECTORY")
    if not directory:
        return None
    path = Path(directory) / name
    try:
        head = path.read_bytes()[:64].strip()
    except OSError:
        return None
    return None if not head or head == UNSEALED else path


def tls_key(configured: str, environ: Mapping[str, str] | None = None) -> str:
    """The TLS client key to use: the sealed credential if there is one, else the configured file."""
    sealed = credential(TLS_KEY, environ)
    return str(sealed) if sealed is not None and configured else configured


def status(client_key: str, journal_sealed: bool, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """{"journal_key": sealed | plain, "tls_key": sealed | plain | none} for the technician and the metrics."""
    tls = "none" if not client_key else "sealed" if credential(TLS_KEY, environ) else "plain"
    out = {"journal_key": "sealed" if journal_sealed else "plain", "tls_key": tls}
    plain = [k for k, v in out.items() if v == "plain"]
    if plain:
        log.warning(
            "secrets_in_plain_files",
            extra={"secrets": plain, "hint": "no TPM2-sealed credential: see deploy/README.md"},
        )
    return out
