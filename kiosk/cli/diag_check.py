"""kiosk-diag check: JSON case on stdin → eligibility decision JSON on stdout.

`policy` defaults to the kiosk config's (normally "auto": the policy in force on the case's date)."""

from __future__ import annotations

from datetime import date

from kiosk.cli.common import EXIT_OK, UsageError, emit_json, read_json_stdin

HELP = "eligibility: read a case as JSON on stdin, print accept/redirect/staff/refuse as JSON"

_FIELDS = {"policy", "office", "business", "date", "parties", "divorce_application"}


def configure(parser):
    parser.add_argument("--json", action="store_true", help="accepted for symmetry; output is always JSON")
    parser.add_argument("--config", help="kiosk config file (for the default policy and office)")


def run(args) -> int:
    from kiosk.config import (
        DEFAULT_CONFIG,
        ConfigError,
        load_kiosk_config,
        load_offices,
        load_policy,
        load_rest_days,
    )
    from kiosk.domain.business import BUSINESSES
    from kiosk.domain.eligibility import CaseError, DivorceApplication, decide
    from kiosk.domain.party import party_from_dict
    from kiosk.services.backend_status import local_now

    case = read_json_stdin()
    if not isinstance(case, dict):
        raise UsageError("input must be a JSON object with " + ", ".join(sorted(_FIELDS)))
    unknown = set(case) - _FIELDS
    if unknown:
        raise UsageError(f"unknown field(s) {sorted(unknown)}; allowed: {sorted(_FIELDS)}")
    day = _date(case["date"], "date") if case.get("date") is not None else local_now().date()  # today, in China
    policy_name = case.get("policy") or None
    if policy_name is not None and not isinstance(policy_name, str):
        raise UsageError("policy must be a policy name or \"auto\"")
    try:
        config = load_kiosk_config(args.config or DEFAULT_CONFIG)
        offices = load_offices()
        policy = load_policy(policy_name or config.kiosk.policy, on=day)
        rest_days = load_rest_days(installed=config.holidays_dir)  # with the office's installed calendars
    except ConfigError as e:
        raise UsageError(e.problem if e.problem.startswith(("policy '", "no policy")) else str(e)) from None
    office = str(case.get("office") or config.kiosk.office)
    if office not in offices:
        raise UsageError(f"office '{office}' is not one of {sorted(offices)}")
    business = case.get("business")
    if business not in BUSINESSES:
        raise UsageError(f"business '{business}' is not one of {list(BUSINESSES)}")
    parties_in = case.get("parties")
    if not isinstance(parties_in, list) or not parties_in:
        raise UsageError("parties must be a non-empty list of objects")
    try:
        parties = [party_from_dict(p) for p in parties_in]
    except ValueError as e:
        raise UsageError(f"parties: {e}") from None
    application = None
    if (app := case.get("divorce_application")) is not None:
        if not isinstance(app, dict) or set(app) - {"date", "office"} or "date" not in app:
            raise UsageError("divorce_application must be {\"date\": \"YYYY-MM-DD\", \"office\": \"<code>\"}")
        application = DivorceApplication(_date(app["date"], "divorce_application.date"), str(app.get("office", office)))
    try:
        decision = decide(policy, offices, office, business, day, parties, application, rest_days)
    except CaseError as e:
        raise UsageError(str(e)) from None
    emit_json(decision.as_json())
    return EXIT_OK


def _date(value, name: str) -> date:
    if value is None:
        raise UsageError(f"{name} is missing (YYYY-MM-DD)")
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} '{value}' is not a real date (YYYY-MM-DD)") from None
