"""What each maintenance screen shows, as plain rows the Kivy screens bind to (no Kivy here).

A row is {"label", "value", "status"}; status is ok | warn | fault | unknown (the screen picks the colour).
Screen names are listed in MAINTENANCE_SCREENS so `kiosk-diag screens` renders them all.
"""

from __future__ import annotations

from kiosk.domain.business import BUSINESSES
from kiosk import i18n
from kiosk.i18n import catalog
from kiosk.maintenance.report import county_name

MAINTENANCE_SCREENS = (
    "maintenance_login",
    "maintenance_devices",
    "maintenance_selftest",
    "maintenance_counters",
    "maintenance_logs",
    "maintenance_settings",
    "maintenance_journal",
    "maintenance_report",
)


# Not faults yet, things to do in time: the heading is a warning (this year's missing calendar already sends divorce
# certificates to the counter, and an expired certificate leaves the kiosk offline: those stay faults).
WARNINGS = ("calendar_missing", "cert_expiring", "storage_low")


def tr(key: str, lang: str, **kw) -> str:
    """A row's text from the catalogs (msgid `mt_row_<key>`); a code with no entry (a driver's new error) as it is."""
    return i18n.tr(f"mt_row_{key}", lang, default=key, **kw)


def _row(label: str, value, status: str = "ok") -> dict:
    return {"label": label, "value": "—" if value is None or value == "" else str(value), "status": status}


def login_message(result, lang: str) -> str:
    """The line under the PIN pad after a LoginResult."""
    from kiosk.maintenance.pin import FREE_ATTEMPTS

    if result.accepted:
        return ""
    if result.reason == "locked":
        return tr("locked", lang, s=int(result.retry_after_s + 0.999))
    if result.reason == "disabled":
        return tr("disabled", lang)
    return tr("wrong_pin", lang, n=max(0, FREE_ATTEMPTS - result.failures))


def device_rows(board_snapshot: dict, lang: str) -> list[dict]:
    """One heading row per device, then its figures."""
    rows = []
    for name, d in board_snapshot.items():
        status = "unknown" if d["up"] is None else "ok" if d["up"] else "fault"
        idle = d["detail"] if d["up"] is None and d["detail"] in ("not_configured", "configured") else ""
        state = tr(idle or ("unknown" if d["up"] is None else "up" if d["up"] else "down"), lang)
        detail = d["detail"] if d["detail"] and not idle else ""
        if d["up"] is False and d["detail"] in WARNINGS:
            status, state = "warn", tr("attention", lang)
        rows.append(
            {**_row(tr(name, lang), state + (f" · {_known(detail, lang)}" if detail else ""), status), "heading": True}
        )
        info = d["info"]
        for key in ("sam_id", "fps", "face_fps", "p50_ms", "p99_ms", "journal_backlog", "journal_parked"):
            if info.get(key) is not None:
                warn = key in ("journal_backlog", "journal_parked") and info[key] > 0
                unit = " ms" if key.endswith("_ms") else ""
                rows.append(_row(tr(key, lang), f"{info[key]}{unit}", "warn" if warn else "ok"))
        if name == "printer":
            paper = info.get("paper", "unknown")
            rows.append(
                _row(
                    tr("paper", lang),
                    tr(paper, lang),
                    {"ok": "ok", "near_end": "warn", "out": "fault"}.get(paper, "unknown"),
                )
            )
            if info.get("cover_open") is not None:
                rows.append(
                    _row(
                        tr("cover", lang),
                        tr("open" if info["cover_open"] else "closed", lang),
                        "fault" if info["cover_open"] else "ok",
                    )
                )
            if info.get("online") is not None:
                rows.append(
                    _row(
                        tr("online", lang),
                        tr("yes" if info["online"] else "no", lang),
                        "ok" if info["online"] else "fault",
                    )
                )
        if name == "clock":
            rows += _clock_rows(info, lang)
        if name == "secrets":
            for key in ("journal_key", "tls_key"):
                if info.get(key):
                    rows.append(_row(tr(key, lang), tr(info[key], lang), "fault" if info[key] == "plain" else "ok"))
        if name == "certificates":
            rows += _certificate_rows(info, lang)
        if name == "storage":
            rows += _storage_rows(info, lang)
        if name == "holidays":
            rows.append(_row(tr("covered", lang), ", ".join(str(y) for y in info.get("covered", ()))))
            if info.get("missing") is not None:
                now = d["detail"] == "calendar_missing_now"
                rows.append(
                    _row(
                        tr("missing", lang), tr("calendar_file", lang, year=info["missing"]), "fault" if now else "warn"
                    )
                )
        if d["last_error"] and name not in ("holidays", "certificates", "storage"):  # their heading says it all
            when = f" ({_when(d['last_error_at'])})" if d.get("last_error_at") else ""
            rows.append(_row(tr("last_error", lang), _known(d["last_error"], lang) + when, "warn"))
    return rows


def _when(epoch_s: float) -> str:
    """A moment in China time, as the audit log and the tickets give it."""
    from datetime import datetime

    from kiosk.domain.dates import CHINA

    return datetime.fromtimestamp(epoch_s, CHINA).strftime("%m-%d %H:%M:%S")


def _known(code: str, lang: str) -> str:
    """A code the table knows, in words; an exception's name with its text (`ConnectionError: …`) by its name;
    anything else (a driver's own sentence) as it is."""
    head, _, rest = (x.strip() for x in code.partition(":"))
    known = catalog("zh")
    if f"mt_row_{code}" in known:
        return tr(code, lang)
    if f"mt_row_{head}" in known:
        return tr(head, lang) + ((f"（{rest}）" if lang == "zh" else f" ({rest})") if rest else "")
    return code


def _clock_rows(info: dict, lang: str) -> list[dict]:
    sync = info.get("synchronised") or "unknown"
    rows = [
        _row(
            tr("synchronised", lang),
            tr(sync, lang) + (f" ({info['source']})" if info.get("source") else ""),
            {"yes": "ok", "no": "fault"}.get(sync, "unknown"),
        )
    ]
    offset = info.get("offset_s")
    if offset is None:
        rows.append(_row(tr("offset_s", lang), tr("unknown", lang), "unknown"))
    else:
        # offset is server minus kiosk: negative means the kiosk runs fast
        text = (
            tr("in_step", lang)
            if abs(offset) < 1.5
            else tr("ahead" if offset < 0 else "behind", lang, s=f"{abs(offset):.0f}")
        )
        rows.append(_row(tr("offset_s", lang), text, "fault" if info.get("adjusting") else "ok"))
    if info.get("adjusting"):
        rows.append(_row(tr("adjusting", lang), tr("yes", lang), "warn"))
    return rows


def _certificate_rows(info: dict, lang: str) -> list[dict]:
    rows = []
    for name in ("kiosk", "ca"):
        c = info.get(name)
        if c is None:
            continue
        if c["state"] == "unreadable":
            value = f"{tr('cert_unreadable', lang)}: {c.get('problem', '')}"
        elif c["state"] == "expired":
            value = tr("expired_on", lang, day=c["not_after"][:10])
        else:
            value = tr("days_left", lang, n=c["days_left"], day=c["not_after"][:10])
        status = {"ok": "ok", "expiring": "warn"}.get(c["state"], "fault")
        rows.append(_row(tr(f"cert_{name}", lang), value, status))
    return rows


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):.1f} MB"


def _storage_rows(info: dict, lang: str) -> list[dict]:
    rows = []
    free, total = info.get("free_bytes"), info.get("total_bytes")
    if free is not None and total:
        status = "fault" if free < 1 << 20 else "warn" if free < total * 0.10 else "ok"
        rows.append(_row(tr("free", lang), tr("free_of", lang, free=_size(free), total=_size(total)), status))
    if info.get("failing"):
        since = (info.get("failing_since") or "")[:19].replace("T", " ")
        rows.append(_row(tr("last_error", lang), tr("writes_failing", lang, since=since, n=info["failures"]), "fault"))
    return rows


def counter_rows(snapshot: dict, lang: str) -> list[dict]:
    rows = [
        _row(tr("sessions", lang), sum(snapshot["sessions"].values())),
        _row(tr("tickets", lang), snapshot["tickets_total"]),
    ]
    for business, n in snapshot["tickets"].items():
        rows.append(_row("  " + BUSINESSES.get(business, {}).get(lang, business), n))
    rows += [
        _row(tr("checkins", lang), snapshot["checkins_total"]),
        _row(tr("redirects", lang), snapshot["redirects"]),
        _row(tr("refusals", lang), snapshot["refusals"]),
        _row(tr("offline_tickets", lang), snapshot["offline_tickets"], "warn" if snapshot["offline_tickets"] else "ok"),
    ]
    verified, share = snapshot.get("verified_by", {}), snapshot.get("verified_by_machine_share")
    rows.append(
        _row(
            tr("verified_machine", lang),
            "–" if share is None else f"{share:.0%}",
            "warn" if share is not None and share < 0.5 else "ok",
        )
    )
    for how in ("face", "fingerprint", "staff"):
        rows.append(_row("  " + tr(f"verified_{how}", lang), verified.get(how, 0)))
    left = snapshot["paper"]["tickets_left_estimate"]
    rows.append(_row(tr("paper_left", lang), f"{left} {tr('tickets_unit', lang)}", "warn" if left < 50 else "ok"))
    if snapshot["counties"]:
        rows.append({**_row(tr("home_counties", lang), sum(snapshot["counties"].values())), "heading": True})
    for county, n in sorted(snapshot["counties"].items(), key=lambda kv: -kv[1]):
        rows.append(_row("  " + county_name(county, lang), n))
    return rows


def settings_rows(values: dict, lang: str) -> list[dict]:
    """One row per safe setting (the settings page): its name, its value ("en, zh" for a list), and `key`."""
    from kiosk.maintenance.settings import SETTINGS

    return [
        {
            **_row(getattr(s, lang if lang in ("zh", "en") else "zh"), _setting_value(values.get(k))),
            "key": k,
        }
        for k, s in SETTINGS.items()
    ]


def _setting_value(value):
    return ", ".join(value) if isinstance(value, list) else value


def parked_rows(entries: list[dict], lang: str) -> list[dict]:
    """One row per parked journal entry (oldest first): when, what, and why; `key` for the retry/discard buttons."""
    rows = []
    for e in entries:
        what = tr(e["kind"], lang) + (f" {e['offline_number']}" if e.get("offline_number") else "")
        rows.append(
            {
                **_row(f"{e['created_at'][:19].replace('T', ' ')} · {what}", parked_reason(e, lang), "warn"),
                "key": e["key"],
            }
        )
    return rows


def parked_reason(e: dict, lang: str) -> str:
    """Why an entry is parked, in words: the server's message for a refusal ("时间不正确。 — outside the office's
    ticket hours · HTTP 422 bad_time"), or the failure in words after repeated tries."""
    message, detail, reason = e.get("message"), e.get("detail"), e.get("reason", "")
    if isinstance(message, dict) and message.get(lang):
        return " · ".join(x for x in (message[lang] + (f" — {detail}" if detail else ""), reason) if x)
    base = reason.rsplit(" ×", 1)[0]  # "HTTP 500 ×8": what failed, and how often
    words = tr("server_error", lang) if base.startswith("HTTP 5") else _known(base, lang)
    return f"{words} · {reason}" if words != base else reason


def audit_rows(entries: list[dict]) -> list[dict]:
    """Newest first, one line each."""
    out = []
    for e in reversed(entries):
        details = ", ".join(f"{k}={v}" for k, v in e.get("details", {}).items() if k != "actor")
        status = (
            "warn" if e.get("action", "").startswith(("login_failed", "login_refused", "print_interrupted")) else "ok"
        )
        out.append(_row(f"{e.get('at', '')} #{e.get('seq')}", f"{e.get('action')} {details}".strip(), status))
    return out


def report_rows(report: dict, lang: str) -> list[dict]:
    share = f"{report['share_from_other_counties'] * 100:.1f}%"
    labels = {
        "zh": ("办理件数", "当事人", "外县(区)当事人", "外县(区)占比", "跨县(区)件数"),
        "en": ("Cases", "Applicants", "From other counties", "Share from other counties", "Cross-county cases"),
    }
    values = (report["cases"], report["applicants"], report["from_other_counties"], share, report["cross_county_cases"])
    rows = [_row(label, value) for label, value in zip(labels["zh" if lang == "zh" else "en"], values)]
    rows += [_row("  " + BUSINESSES.get(b, {}).get(lang, b), n) for b, n in report["by_business"].items() if n]
    rows += [_row("  " + county_name(c, lang), n) for c, n in report["by_home_county"].items() if n]
    return rows
