"""`kiosk-office-server audit verify --db FILE [--tls-dir DIR]`: check the audit chain (and its signed anchors)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from office.assemble import anchors_path


def main(argv: list[str]) -> int:
    import sqlite3

    from office import audit

    parser = argparse.ArgumentParser(prog="kiosk-office-server audit")
    sub = parser.add_subparsers(dest="verb", required=True)
    p_verify = sub.add_parser("verify", help="check the hash chain of the server's audit log")
    p_verify.add_argument("--db", required=True)
    p_verify.add_argument("--anchors", help="the signed anchors file (default: DB.anchors, if it exists)")
    p_verify.add_argument("--tls-dir", help="the PKI directory: its ca.crt authenticates the anchors")
    a = parser.parse_args(argv)
    if not Path(a.db).exists():
        sys.stderr.write(f"kiosk-office-server audit: {a.db}: no such database\n")
        return 2
    conn = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    anchors = Path(a.anchors) if a.anchors else anchors_path(a.db)
    if (a.anchors or anchors.exists()) and not a.tls_dir:
        sys.stderr.write("kiosk-office-server audit: --tls-dir DIR is needed to check the anchors (its ca.crt)\n")
        return 2
    try:
        result = audit.verify(conn)
        if a.tls_dir:
            from office.anchor import check

            result["anchors"] = check(conn, anchors, Path(a.tls_dir) / "ca.crt")
            result["ok"] = result["ok"] and result["anchors"]["ok"]
    except sqlite3.DatabaseError as e:
        sys.stderr.write(f"kiosk-office-server audit: {e}\n")
        return 2
    finally:
        conn.close()
    print(json.dumps(result))
    return 0 if result["ok"] else 1
