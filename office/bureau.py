"""The city bureau's page, /bureau/: booking advice per office from the records the server has (docs/workload.md).

Read by a bureau certificate: an office's own, or "all" for the city. Aggregates only: the page and its CSV
carry counts, shares, minutes and quotas, never a ticket, a name or a number. The advice is computed from the
records source (an export file configured with --records, and the server's own tickets) and kept until the
source changes; the first request after a change waits for it (seconds).
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from datetime import date

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from kiosk.domain.business import BUSINESSES
from office.errors import ApiError
from office.workload.advice import Target
from office.workload.chart import load_chart, origin_bar
from office.workload.records import UnusableInput
from office.workload.report import advise_all
from office.workload.sources import RecordsSource

RETRY_AFTER_S = 3  # while the advice is computed: the page reloads itself, the CSV answers 202 with Retry-After
COMPUTING = {
    "status": "computing",
    "message": {
        "zh": "预约数量建议正在计算，请稍后再试。",
        "en": "The booking advice is being computed; please try again shortly.",
    },
}
CSV_COLUMNS = (
    "office",
    "working_days",
    "tickets",
    "cross_county_share",
    "outside_city_share",
    "weekday",
    "half_day",
    "windows",
    "expected_walk_ins",
    "booked_per_day",
    "service_min_median",
    "booking_quota",
    "predicted_service_level",
    "predicted_wait_p90_min",
    "quota_one_window_more",
    "quota_one_window_less",
    "refused",
)


class BureauAdvice:
    """The advice of every office from a records source, computed in the background (seconds for a year of
    records) and kept per (source version, range) until the source changes."""

    KEEP = 8  # ranges kept

    def __init__(self, source: RecordsSource, offices: dict, target: Target | None = None):
        self.source, self.offices, self.target = source, offices, target or Target()
        self._lock = threading.Lock()
        self._cache: dict[tuple, dict] = {}
        self._working: tuple | None = None

    def _compute(self, start: date | None, end: date | None) -> tuple[tuple, dict]:
        try:
            records, problems = self.source.load()
        except UnusableInput as e:
            result: dict = {"offices": [], "problem": str(e), "rows_skipped": 0}
        else:
            result = advise_all(records, self.offices, self.target, start, end)
            result["rows_skipped"] = len(problems)
        return (self.source.version(), start, end), result  # as read (a demo export is written on first read)

    def _keep(self, key: tuple, result: dict) -> None:
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if k[0] == key[0]}  # an older version is stale
            self._cache[key] = result
            while len(self._cache) > self.KEEP:
                self._cache.pop(next(iter(self._cache)))

    def ready(self, start: date | None = None, end: date | None = None) -> dict | None:
        """The advice if it is computed; else None, and it is being computed (one range at a time)."""
        key = (self.source.version(), start, end)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            if self._working is not None:
                return None
            self._working = key

        def work() -> None:
            try:
                self._keep(*self._compute(start, end))
            except Exception as e:  # shown on the page instead of "computing" for ever
                logging.getLogger("office.bureau").exception("booking advice failed")
                self._keep(key, {"offices": [], "problem": f"the advice failed ({type(e).__name__})"})
            finally:
                with self._lock:
                    self._working = None

        threading.Thread(target=work, name="bureau-advice", daemon=True).start()
        return None

    def result(self, start: date | None = None, end: date | None = None) -> dict:
        """The advice, computed now if need be (the warm-up at start, tests)."""
        key = (self.source.version(), start, end)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        key, result = self._compute(start, end)
        self._keep(key, result)
        return result

    def warm_up(self) -> None:
        self.result()


def visible(result: dict, office: str) -> list[dict]:
    """The offices a bureau certificate of `office` (a code, or "all") may see."""
    return [o for o in result["offices"] if office in ("all", o["office"])]


def _range(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    try:
        a = date.fromisoformat(start) if start else None
        b = date.fromisoformat(end) if end else None
    except ValueError:
        raise ApiError(400, "invalid_range", detail="from and to must be dates like 2026-11-26") from None
    if a and b and b < a:
        raise ApiError(400, "invalid_range", detail="from is after to")
    return a, b


def csv_text(offices: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in offices:
        head = [o["office"], o["working_days"], o["tickets"], o["cross_county_share"], o["outside_city_share"]]
        if "refused" in o:
            writer.writerow(head + [""] * (len(CSV_COLUMNS) - len(head) - 1) + [o["refused"]])
            continue
        for a in o["advice"]:
            less = a["what_if"]["one_window_less"]
            writer.writerow(
                head
                + [
                    a["weekday"],
                    a["half_day"],
                    a["windows"],
                    a["expected_walk_ins"],
                    a["booked_per_day"],
                    "" if a["service_min_median"] is None else a["service_min_median"],
                    a["booking_quota"],
                    a["predicted_service_level"],
                    a["predicted_wait_p90_min"],
                    a["what_if"]["one_window_more"]["booking_quota"],
                    "" if less is None else less["booking_quota"],
                    "",
                ]
            )
    return out.getvalue()


def _templates():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("office", "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(businesses=BUSINESSES)
    return env


def install(app: FastAPI, bureau: BureauAdvice, caller, errors) -> None:
    env = _templates()

    page_answers = {
        **errors("GET", _400=["invalid_range"]),
        200: {
            "description": "the page (HTML); while the advice is computed, a page that reloads itself",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    }
    csv_answers = {
        **errors("GET", _400=["invalid_range"]),
        200: {"description": "the advice as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
        202: {
            "description": "the advice is being computed: ask again after Retry-After seconds",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    }

    @app.get("/bureau/", tags=["bureau"], responses=page_answers)
    def bureau_page(
        request: Request,
        from_: str | None = Query(default=None, alias="from", max_length=10),
        to: str | None = Query(default=None, max_length=10),
    ):
        """The booking advice per office, with a chart of load against capacity (HTML, aggregates only)."""
        from markupsafe import Markup

        start, end = _range(from_, to)
        who = caller(request)
        result = bureau.ready(start, end)
        if result is None:
            html = env.get_template("bureau_wait.html").render(target=bureau.target, start=start, end=end)
            return HTMLResponse(html, headers={"Cache-Control": "no-store"})
        offices = visible(result, who.office)
        names = {code: oc.name.model_dump() for code, oc in bureau.offices.items()}
        charts = {
            o["office"]: Markup(load_chart(o["advice"], f"{o['office']}: load and capacity"))
            for o in offices
            if "advice" in o
        }
        origins = {o["office"]: Markup(origin_bar(o["cross_county_share"], o["outside_city_share"])) for o in offices}
        html = env.get_template("bureau.html").render(
            offices=offices,
            names=names,
            charts=charts,
            origins=origins,
            target=bureau.target,
            problem=result.get("problem"),
            rows_skipped=result.get("rows_skipped", 0),
            start=start,
            end=end,
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @app.get("/bureau/advice.csv", tags=["bureau"], responses=csv_answers)
    def bureau_csv(
        request: Request,
        from_: str | None = Query(default=None, alias="from", max_length=10),
        to: str | None = Query(default=None, max_length=10),
    ):
        """The same advice as CSV (one row per office, weekday and half-day); 202 with Retry-After while it is
        being computed."""
        start, end = _range(from_, to)
        who = caller(request)
        result = bureau.ready(start, end)
        if result is None:
            return JSONResponse(COMPUTING, status_code=202, headers={"Retry-After": str(RETRY_AFTER_S)})
        return Response(
            csv_text(visible(result, who.office)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="booking-advice.csv"', "Cache-Control": "no-store"},
        )
