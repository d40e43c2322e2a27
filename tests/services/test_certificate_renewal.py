"""Certificates over a year: days left of the kiosk's own certificate and the office CA on the device page, in the
metrics and in `kiosk-diag backend ping`, warnings from 30 days before expiry; `kiosk-office-server pki status`;
and the renewal of deploy/README.md end to end — a kiosk whose certificate expired works offline, the office
issues it again, the technician installs it, and the restarted kiosk sends its whole journal, nothing lost or
applied twice. A real server on loopback, real TLS."""

import datetime as dt
import json
import shutil
import subprocess
import sys
import time

import pytest
import requests

from bench.rigs.office_server import serve_in_thread
from kiosk.config import load_kiosk_config, load_offices
from kiosk.maintenance.devices import DeviceBoard
from kiosk.maintenance.metrics import KioskCollector
from kiosk.maintenance.presenters import device_rows
from kiosk.maintenance.upkeep import certificate_outlook
from kiosk.services.office_link import OfficeLink
from office import pki
from office.offline import OfflineRules
from tests.services.helpers import OFFICE, drain, full_bookings, server_rows

KIOSK = "441621-kiosk-07"


@pytest.fixture
def server(tmp_path, clock):
    """A server with a PKI of its own: these tests read the whole CA's status (what expires, what is revoked)."""
    rules = OfflineRules(min_interval_s=0)  # as tests/services/conftest.py's
    with serve_in_thread(tmp_path / "office.db", clock, pki_dir=tmp_path / "pki", offline_rules=rules) as running:
        yield running


def _now():
    return dt.datetime.now(dt.timezone.utc)


def _expired_copy(pki_dir, cert_path):
    """The same kiosk's certificate as it is once its time ran out: signed by the office CA, expired yesterday."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ca = x509.load_pem_x509_certificate((pki_dir / "ca.crt").read_bytes())
    ca_key = serialization.load_pem_private_key((pki_dir / "ca.key").read_bytes(), password=None)
    old = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(old.subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - dt.timedelta(days=397))
        .not_valid_after(_now() - dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def _install(tls, ca, cert, key):
    """deploy/README.md: `install` the CA, the certificate and the key into /etc/heyuan-kiosk/tls/."""
    tls.mkdir(parents=True, exist_ok=True)
    for src, name in ((ca, "ca.crt"), (cert, "kiosk.crt"), (key, "kiosk.key")):
        if isinstance(src, bytes):
            (tls / name).write_bytes(src)
        else:
            shutil.copyfile(src, tls / name)


def _pki_cli(*args):
    out = subprocess.run(
        [sys.executable, "-m", "office", "pki", *args], capture_output=True, text=True, timeout=60, check=False
    )
    return out.returncode, json.loads(out.stdout) if out.stdout.strip() else out.stderr


def _config(tmp_path, url):
    """A terminal's configuration with mutual TLS from /etc/heyuan-kiosk/tls (here under tmp_path)."""
    base = load_kiosk_config()
    tls = tmp_path / "etc" / "tls"
    backend = base.backend.model_copy(
        update={
            "url": url,
            "ca_file": str(tls / "ca.crt"),
            "client_cert": str(tls / "kiosk.crt"),
            "client_key": str(tls / "kiosk.key"),
            "connect_timeout_s": 0.5,
            "read_timeout_s": 0.5,
            "start_bundled": False,
        }
    )
    kiosk = base.kiosk.model_copy(update={"id": KIOSK, "state_dir": str(tmp_path / "state")})
    return base.model_copy(update={"backend": backend, "kiosk": kiosk}), tls


def _rows(outlook, lang="en"):
    board = DeviceBoard()
    board.certificates_status(outlook)
    rows = {r["label"]: r for r in device_rows(board.snapshot(), lang)}
    samples = {
        (s.name, dict(s.labels).get("cert")): s.value
        for family in KioskCollector("k", OFFICE, board).collect()
        for s in family.samples
    }
    return rows, samples


def test_days_left_states_on_the_device_page_and_in_the_metrics(server, tmp_path):
    ca = server.pki_dir / "ca.crt"
    fresh = pki.issue(server.pki_dir, "kiosk", "fresh", OFFICE)["cert"]
    soon = pki.issue(server.pki_dir, "kiosk", "soon", OFFICE, days=31)["cert"]
    rows, samples = _rows(certificate_outlook(str(ca), fresh, _now()))
    assert rows["Certificates"]["status"] == "ok"
    assert rows["This kiosk's certificate"]["value"].startswith("396 days left (until ")
    assert rows["Office CA certificate"]["status"] == "ok"
    assert samples[("kiosk_certificate_days_left", "kiosk")] == 396
    assert samples[("kiosk_certificate_expiring", "kiosk")] == 0 and samples[("kiosk_certificate_expiring", "ca")] == 0
    # 31 days: 30 whole days left, the first day of the warning
    rows, samples = _rows(certificate_outlook(str(ca), soon, _now()))
    assert rows["Certificates"]["status"] == "warn"
    assert rows["Certificates"]["value"] == "Attention · a certificate expires soon"
    assert rows["This kiosk's certificate"]["status"] == "warn"
    assert samples[("kiosk_certificate_days_left", "kiosk")] == 30
    assert samples[("kiosk_certificate_expiring", "kiosk")] == 1
    # the day before the warning starts
    rows, _ = _rows(certificate_outlook(str(ca), soon, _now() - dt.timedelta(days=1)))
    assert rows["This kiosk's certificate"]["status"] == "ok"
    cert, _key = _expired_copy(server.pki_dir, pki_cert(server, "soon"))
    tmp_path.joinpath("old.crt").write_bytes(cert)
    rows, samples = _rows(certificate_outlook(str(ca), str(tmp_path / "old.crt"), _now()))
    assert rows["This kiosk's certificate"]["status"] == "fault"
    assert rows["This kiosk's certificate"]["value"].startswith("expired on ")
    assert samples[("kiosk_certificate_days_left", "kiosk")] == -1
    zh, _ = _rows(certificate_outlook(str(ca), str(tmp_path / "old.crt"), _now()), "zh")
    assert zh["证书"]["value"] == "故障 · 证书已过期"
    rows, samples = _rows(certificate_outlook(str(ca), str(tmp_path / "missing.crt"), _now()))
    assert rows["This kiosk's certificate"]["status"] == "fault" and "cannot be read" in rows["Certificates"]["value"]
    assert ("kiosk_certificate_days_left", "kiosk") not in samples
    assert "Certificates" not in _rows({})[0]  # plain HTTP on loopback: no certificate row at all


def pki_cert(server, name):
    return server.pki_dir / "kiosks" / f"{name}.crt"


def test_renewal_end_to_end_the_kiosk_reconnects_without_losing_its_journal(server, clock, tmp_path):
    office = load_offices()[OFFICE]
    config, tls = _config(tmp_path, server.url)
    # 1. issued for 20 days (as if issued a year ago): installed, online, and warned about
    first = pki.issue(server.pki_dir, "kiosk", KIOSK, OFFICE, days=20)
    _install(tls, server.pki_dir / "ca.crt", first["cert"], first["key"])
    code, status = _pki_cli("status", "--dir", str(server.pki_dir))
    assert code == 1 and [(c["role"], c["name"]) for c in status["expiring"]] == [("kiosk", KIOSK)]
    ping = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.diag", "backend", "ping", "--url", server.url, "--count", "1"]
        + ["--ca-file", str(tls / "ca.crt"), "--client-cert", str(tls / "kiosk.crt")]
        + ["--client-key", str(tls / "kiosk.key"), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    result = json.loads(ping.stdout)
    assert ping.returncode == 0 and result["ok"], result
    assert (result["certificates"]["kiosk"]["days_left"], result["certificates"]["kiosk"]["state"]) == (
        19,
        "expiring",
    )
    assert result["certificates"]["ca"]["state"] == "ok" and result["certificates"]["ca"]["days_left"] >= 3640
    bookings = full_bookings(server)
    ids = {k: [p["id_number"] for p in b["parties"]] for k, b in bookings.items()}
    link = OfficeLink.from_config(config, office, clock=clock)
    link.start()
    assert link.check_in(bookings["01"], ids["01"]).online
    # 2. the certificate ran out: the server refuses the handshake, the kiosk keeps serving offline
    _install(tls, server.pki_dir / "ca.crt", *_expired_copy(server.pki_dir, pki_cert(server, KIOSK)))
    link.stop(1.0)
    link.journal.close()
    link = OfficeLink.from_config(config, office, clock=clock)  # systemctl restart: the new files are read
    link.start()
    offline = link.check_in(bookings["02"], ids["02"])
    ticket = link.issue_ticket("marriage", bookings["02"]["appointment_id"])
    assert not offline.online and ticket.offline and ticket.number == "A700"
    assert link.backlog() == 2
    assert certificate_outlook(config.backend.ca_file, config.backend.client_cert, _now())["kiosk"]["state"] == (
        "expired"
    )
    link.stop(1.0)
    link.journal.close()
    (tmp_path / "old").mkdir()
    shutil.copyfile(first["cert"], tmp_path / "old" / "kiosk.crt")
    shutil.copyfile(first["key"], tmp_path / "old" / "kiosk.key")
    # 3. the office issues it again under the same name; the technician installs it and restarts the kiosk
    code, renewed = _pki_cli("issue", "--dir", str(server.pki_dir), "--kiosk", KIOSK, "--office", OFFICE)
    assert code == 0 and renewed["serial"] != first["serial"]
    _install(tls, server.pki_dir / "ca.crt", renewed["cert"], renewed["key"])
    link = OfficeLink.from_config(config, office, clock=clock)
    assert link.backlog() == 2  # the journal survived both restarts
    drain(link)
    link.stop(1.0)
    link.journal.close()
    rows = server_rows(server, "SELECT appointment_id FROM checkins")
    assert sorted(r[0] for r in rows) == sorted(bookings[k]["appointment_id"] for k in ("01", "02"))
    assert [r[0] for r in server_rows(server, "SELECT number FROM tickets WHERE status='waiting'")] == ["A700"]
    outlook = certificate_outlook(config.backend.ca_file, config.backend.client_cert, _now())
    assert (outlook["kiosk"]["state"], outlook["kiosk"]["days_left"]) == ("ok", 396)
    # 4. then the old serial is revoked: the new certificate is the only one that works
    code, _ = _pki_cli("revoke", "--dir", str(server.pki_dir), "--serial", first["serial"])
    assert code == 0
    code, status = _pki_cli("status", "--dir", str(server.pki_dir))
    assert code == 0 and status["expiring"] == []
    assert [i["days_left"] for i in status["issued"] if i["name"] == KIOSK] == [396]
    s = requests.Session()
    s.trust_env = False
    s.verify, s.cert = str(tls / "ca.crt"), (str(tls / "kiosk.crt"), str(tls / "kiosk.key"))
    assert s.get(server.url + "/healthz", timeout=60).status_code == 200
    s.cert = (str(tmp_path / "old" / "kiosk.crt"), str(tmp_path / "old" / "kiosk.key"))  # a copy left somewhere
    deadline = time.monotonic() + 10  # the server re-reads revoked.txt within a second
    while (refused := s.get(server.url + "/healthz", timeout=60)).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (refused.status_code, refused.json()["error"]) == (403, "certificate_revoked")
    s.close()


def test_pki_status_names_the_server_certificate_and_refuses_a_folder_without_ca(tmp_path):
    pki.init(tmp_path / "p")
    code, status = _pki_cli("status", "--dir", str(tmp_path / "p"), "--within-days", "400")
    assert code == 1 and [c["role"] for c in status["expiring"]] == ["server"]
    assert status["server"]["days_left"] == 396 and status["issued"] == []
    code, err = _pki_cli("status", "--dir", str(tmp_path / "none"))
    assert code == 2 and "no CA here" in err
