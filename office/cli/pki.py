"""`kiosk-office-server pki init|server|issue|status|revoke --dir DIR …`: the office CA and its certificates."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str]) -> int:
    from office import pki

    parser = argparse.ArgumentParser(prog="kiosk-office-server pki")
    sub = parser.add_subparsers(dest="verb", required=True)
    p_init = sub.add_parser("init", help="create the office CA and the server certificate")
    p_init.add_argument("--dir", required=True)
    p_init.add_argument("--server-name", action="append", help="DNS name or IP of the server (repeatable)")
    p_init.add_argument("--force", action="store_true", help="replace an existing CA")
    p_server = sub.add_parser("server", help="re-issue the server certificate (rotation, new names)")
    p_server.add_argument("--dir", required=True)
    p_server.add_argument("--server-name", action="append", required=True)
    p_issue = sub.add_parser("issue", help="a client certificate: --kiosk ID, or --role ROLE --name NAME")
    p_issue.add_argument("--dir", required=True)
    p_issue.add_argument("--kiosk")
    p_issue.add_argument("--role", choices=pki.ROLES)
    p_issue.add_argument("--name")
    p_issue.add_argument("--office", required=True)
    p_issue.add_argument("--days", type=int, default=pki.CLIENT_DAYS)
    p_issue.add_argument(
        "--p12", action="store_true", help="also write NAME.p12 for a browser (passphrase in NAME.p12.pass)"
    )
    p_status = sub.add_parser("status", help="days left of the CA, the server's and every issued certificate")
    p_status.add_argument("--dir", required=True)
    p_status.add_argument("--within-days", type=int, default=30, help="list as expiring within this many days")
    p_revoke = sub.add_parser("revoke", help="add a certificate to revoked.txt")
    p_revoke.add_argument("--dir", required=True)
    p_revoke.add_argument("--serial")
    p_revoke.add_argument("--cert")
    p_revoke.add_argument("--reason", default="")
    a = parser.parse_args(argv)
    try:
        if a.verb == "init":
            out = pki.init(a.dir, a.server_name, force=a.force)
        elif a.verb == "server":
            out = pki.issue_server(a.dir, a.server_name)
        elif a.verb == "issue":
            if a.kiosk:
                if a.role not in (None, "kiosk"):
                    parser.error("--kiosk is a kiosk certificate; leave out --role")
                out = pki.issue(a.dir, "kiosk", a.kiosk, a.office, a.days)
            elif a.role and a.name:
                out = pki.issue(a.dir, a.role, a.name, a.office, a.days)
            else:
                parser.error("give --kiosk ID, or --role ROLE --name NAME")
            if a.p12:
                out.update(pki.browser_bundle(a.dir, out["role"], out["name"]))
        elif a.verb == "status":
            from office.pki_status import status

            out = status(a.dir, a.within_days)
        else:
            out = {"revoked": pki.revoke(a.dir, serial=a.serial, cert=a.cert, reason=a.reason)}
    except (pki.PkiError, OSError, ValueError) as e:
        sys.stderr.write(f"kiosk-office-server pki: {e}\n")
        return 2
    print(json.dumps(out, ensure_ascii=False))
    return 1 if a.verb == "status" and out["expiring"] else 0
