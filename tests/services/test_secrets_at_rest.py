"""Finding 5 of the security review: the kiosk's disk taken. The journal key sat beside the journal (and the TLS
key beside them), and check-in bodies with ID numbers stayed 30 days.

Now the keys come from systemd credentials sealed to the TPM2 (here: a credentials directory as systemd makes
it, outside the state dir), a journal whose key is not on the disk cannot be opened from a copy of the disk, and a
body is cut down to masked numbers as soon as the server has it — through the real server on loopback."""

import json
import shutil
import sqlite3

import pytest
from cryptography.fernet import Fernet

from kiosk.services import secrets
from kiosk.services.journal import Journal, JournalError
from tests.services.helpers import drain, full_bookings


def _every_body(state, key: bytes) -> str:
    """What an attacker holding the state dir and the key reads: every body in the journal, decrypted."""
    f = Fernet(key)
    rows = sqlite3.connect(state / Journal.FILE).execute("SELECT body FROM entries").fetchall()
    return "\n".join(f.decrypt(bytes(r[0])).decode() for r in rows)


def test_bodies_are_pruned_and_masked_once_the_server_has_them(make_link, server, tmp_path):
    link = make_link(server.url)
    link.start()
    b = full_bookings(server)["01"]
    ids = [p["id_number"] for p in b["parties"]]
    walk_in = {"id_number": "441624199001011230", "address": "广东省和平县阳明镇1号"}
    assert link.check_in(b, ids).online
    assert not link.issue_ticket("marriage", b["appointment_id"]).offline
    assert not link.issue_ticket("record_certificate", parties=[walk_in]).offline
    drain(link)
    state = tmp_path / "kiosk-state"
    text = _every_body(state, (state / Journal.KEY_FILE).read_bytes().strip())
    for secret in (*ids, walk_in["id_number"], walk_in["address"]):
        assert secret not in text
    assert ids[0][:6] + "********" + ids[0][-4:] in text  # what the technician's pages may show
    entries = link.journal.entries()
    assert {e.status for e in entries} == {"acked"} and all(e.body.get("kiosk_id") == "k1" for e in entries)
    # the server got the full bodies: the check-in and the walk-in's home county are there
    assert server.backend.store.read().execute("SELECT COUNT(*) FROM checkins").fetchone()[0] == 1


def test_a_pending_or_parked_entry_keeps_its_body_until_it_is_settled(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    body = {"appointment_id": "AP1", "kiosk_id": "k1", "parties": [{"id_number": "441621199001011234"}]}
    e = j.append("checkin", "441621", "/c", body, detached=True)
    assert j.get(e.key).body == body  # not sent yet: everything needed to send it
    j.record_answer(e.key, 409, {"error": "already_checked_in"})  # refused after the applicant was served
    assert j.get(e.key).status == "parked" and j.get(e.key).body == body  # a technician may retry it
    j.discard(e.key)
    assert j.get(e.key).body["parties"] == [{"id_number": "441621********1234"}]


def test_an_earlier_releases_journal_is_pruned_by_the_purge(tmp_path, clock):
    j = Journal.open(tmp_path, clock)
    e = j.append("checkin", "441621", "/c", {"parties": [{"id_number": "441621199001011234"}]})
    j.record_answer(e.key, 201, {})
    j._conn.execute(
        "UPDATE entries SET body=?, pruned=0", (j._seal({"parties": [{"id_number": "441621199001011234"}]}),)
    )
    assert j.purge(30) == 0 and "441621199001011234" not in json.dumps(j.get(e.key).body)


@pytest.fixture
def sealed(tmp_path, monkeypatch):
    """The journal key as kiosk.service hands it over: a file in $CREDENTIALS_DIRECTORY (a ramfs, outside the
    state dir), decrypted by systemd from the TPM2-sealed credential."""
    creds = tmp_path / "credentials"
    creds.mkdir(mode=0o700)
    key = Fernet.generate_key()
    (creds / secrets.JOURNAL_KEY).write_bytes(key)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    return key


def test_with_a_sealed_key_a_copy_of_the_disk_cannot_open_the_journal(tmp_path, clock, sealed, monkeypatch):
    state = tmp_path / "state"
    j = Journal.open(state, clock)
    assert j.key_sealed
    j.append("checkin", "441621", "/c", {"parties": [{"id_number": "441621199001011234"}]})
    j.close()
    assert not (state / Journal.KEY_FILE).exists()  # no key on the disk, ever
    stolen = tmp_path / "stolen"
    shutil.copytree(state, stolen)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY")  # the thief's machine: no TPM of this kiosk
    with pytest.raises(JournalError, match="sealed"):
        Journal.open(stolen, clock)
    assert not (stolen / Journal.KEY_FILE).exists()  # and no fresh key was made beside it
    raw = b"".join(bytes(r[0]) for r in sqlite3.connect(stolen / Journal.FILE).execute("SELECT body FROM entries"))
    assert b"441621199001011234" not in raw
    assert Fernet(sealed).decrypt(raw)  # only the sealed key opens it


def test_the_unit_default_means_plain_files_and_says_so(tmp_path, clock, monkeypatch, caplog):
    creds = tmp_path / "credentials"
    creds.mkdir()
    (creds / secrets.JOURNAL_KEY).write_bytes(b"unsealed")  # kiosk.service's SetCredential= default
    (creds / secrets.TLS_KEY).write_bytes(b"unsealed")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    j = Journal.open(tmp_path / "state", clock)
    assert not j.key_sealed and (tmp_path / "state" / Journal.KEY_FILE).exists()
    assert secrets.tls_key("/etc/heyuan-kiosk/tls/kiosk.key") == "/etc/heyuan-kiosk/tls/kiosk.key"
    with caplog.at_level("WARNING"):
        assert secrets.status("/etc/heyuan-kiosk/tls/kiosk.key", j.key_sealed) == {
            "journal_key": "plain",
            "tls_key": "plain",
        }
    assert "secrets_in_plain_files" in caplog.text
    (creds / secrets.TLS_KEY).write_bytes(b"-----BEGIN PRIVATE KEY-----\n")
    assert secrets.tls_key("/etc/heyuan-kiosk/tls/kiosk.key") == str(creds / secrets.TLS_KEY)
    assert secrets.status("/etc/heyuan-kiosk/tls/kiosk.key", True) == {"journal_key": "sealed", "tls_key": "sealed"}
