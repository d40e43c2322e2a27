"""kiosk-office-server: the reference office server (see office/README.md).

kiosk-office-server --tls-dir DIR --db FILE [--host H --port P --seed demo --now T --config-dir DIR]   serve
    (HTTPS + client certs); pages for browsers: /counter/ (counter certificates), /display/ (display
    certificates), /bureau/ (bureau certificates), see office/README.md
kiosk-office-server pki init  --dir DIR [--server-name NAME …]                        the office CA + server cert
kiosk-office-server pki issue --dir DIR --kiosk ID --office CODE                      a kiosk's certificate
kiosk-office-server pki issue --dir DIR --role counter|display|bureau --name NAME --office CODE|all [--p12]
kiosk-office-server pki revoke --dir DIR (--serial HEX | --cert FILE)                 refuse a certificate
kiosk-office-server pki status --dir DIR [--within-days 30]     days left; exit 1 if any expire within the days
kiosk-office-server audit verify --db FILE [--tls-dir DIR]                            check the audit chain (and anchors)
kiosk-office-server advise --records FILE.csv [--json --service-level 0.9 --wait-min 15]  booking quotas
kiosk-office-server history --out FILE.csv [--days 60 --end DATE --seed N]            a synthetic records export
"""

# One module per command: serve.py, pki.py, audit.py (advise and history: office/workload/cli.py);
# office/__main__.py dispatches. This docstring is `kiosk-office-server --help`'s description.
