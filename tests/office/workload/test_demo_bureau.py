"""`kiosk --demo`'s bundled office server shows the bureau page over a synthetic history, with the bureau
certificate the demo prints."""

import csv
import io
import time

import requests

from kiosk.app.bundled import bureau_page, start_bundled_server, stop_bundled_server


def test_the_demo_bureau_page_has_six_offices_to_show(tmp_path):
    proc, url, db_dir = start_bundled_server(tmp_path)
    try:
        page = bureau_page(url)
        session = requests.Session()
        session.trust_env = False
        session.verify, session.cert = page["ca_file"], (page["client_cert"], page["client_key"])
        for _ in range(600):
            answer = session.get(page["url"] + "advice.csv", timeout=60)
            if answer.status_code != 202:
                break
            time.sleep(0.5)
        assert answer.status_code == 200
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert {r["office"] for r in rows} == {"441602", "441621", "441622", "441623", "441624", "441625"}
        assert len(rows) == 60 and all(int(r["booking_quota"]) >= 0 and not r["refused"] for r in rows)
        assert all(r["working_days"] == "60" for r in rows)  # sixty working days of synthetic history each
        html = session.get(page["url"], timeout=60).text
        assert html.count('class="office"') == 6
    finally:
        stop_bundled_server(proc, db_dir)
