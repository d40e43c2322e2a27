"""The rules engine: given a policy, this office, the business, the day and the parties, may this office take
the case? One engine reads any policy file; the policy decides where each business may be handled.

Decisions: accept · redirect (offices lists who may) · staff (the kiosk cannot tell) · refuse (no office may).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk.domain.dates import CoolingOff, age_on, card_valid_on
from kiosk.domain.messages import compose_message
from kiosk.domain.party import Party
from kiosk.domain.policy import Policy, Rule


@dataclass(frozen=True)
class DivorceApplication:
    date: date
    office: str


@dataclass(frozen=True)
class Decision:
    decision: str                      # accept | redirect | staff | refuse
    reasons: tuple[str, ...]
    offices: tuple[str, ...]
    message: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"decision": self.decision, "reasons": list(self.reasons), "offices": list(self.offices),
                "message": self.message, "details": self.details}


class CaseError(ValueError):
    """The case cannot be judged as given (e.g. a divorce certificate without its application)."""


# Per-party checks that no office can get past; (reason, test) in the order reasons are reported.
def _refusals(policy: Policy, legal_age: bool, parties: list[Party], day: date) -> list[str]:
    reasons = []
    if any(p.id_problem() for p in parties):
        reasons.append("id_invalid")
    if any(p.valid_until is not None and not card_valid_on(p.valid_until, day) for p in parties):
        reasons.append("id_expired")
    if legal_age:
        for p in parties:
            birth, sex = p.effective_birth(), p.effective_sex()
            if birth and sex and age_on(birth, day) < policy.legal_age[sex]:
                reasons.append("underage")
                break
    return reasons


def _applicable_rule(policy: Policy, business: str, parties: list[Party]) -> Rule:
    rule = policy.business[business]
    cases = {"military": any(p.military for p in parties),
             "non_mainland": any(not p.mainland for p in parties)}
    return next((e for e in rule.exceptions if cases[e.when]), rule)


def _where(rule: Rule, policy: Policy, parties: list[Party], known_offices: list[str], trust_fallback: bool,
           application: DivorceApplication | None) -> tuple[str | None, list[str] | None]:
    """(failed requirement reason or None, eligible offices or None when the hukou county is unknown)."""
    mainland = [p for p in parties if p.mainland]
    hukous = [p.hukou() for p in mainland]
    if not trust_fallback:
        hukous = [h if h and h.confirmed else None for h in hukous]
    local = [h for h in hukous if h and h.in_city and (h.county is None or h.county.startswith(policy.local_prefix))]
    if rule.requires == "local_mainland_party" and not local:
        return "no_local_hukou", []
    if rule.requires == "mainland_party" and not mainland:
        return "no_mainland_party", []
    if rule.where == "all_offices":
        return None, list(known_offices)
    if rule.where == "designated":
        return None, list(rule.offices)
    if rule.where == "application_office":
        return None, [application.office] if application else []
    counties = {h.county for h in local}
    if None in counties:
        return None, None
    return None, sorted(counties)


def _basis(rule: Rule) -> str:
    return {"all_offices": "local_hukou" if rule.requires == "local_mainland_party" else "any_office",
            "hukou_office": "hukou_office", "designated": "designated",
            "application_office": "application_office"}[rule.where]


def decide(policy: Policy, offices: dict, office: str, business: str, day: date, parties: list[Party],
           application: DivorceApplication | None = None) -> Decision:
    """`offices` maps code → office info (.name.zh/.en, .address.zh/.en, .phone) for every office known."""
    if business not in policy.business:
        raise CaseError(f"business '{business}' is not in policy '{policy.name}'")
    if office not in offices:
        raise CaseError(f"office '{office}' is not one of {sorted(offices)}")
    if not parties:
        raise CaseError("at least one party is needed")
    rule = policy.business[business]
    if len(parties) > rule.parties:
        raise CaseError(f"{business} takes at most {rule.parties} part{'y' if rule.parties == 1 else 'ies'}")
    details: dict = {}
    reasons = _refusals(policy, rule.legal_age, parties, day)

    applicable = _applicable_rule(policy, business, parties)
    if applicable.where == "application_office":
        if application is None:
            raise CaseError(f"{business} needs divorce_application (its date and office)")
        stage = CoolingOff(application.date, policy.cooling_off_days, policy.certificate_window_days)
        details = {"window_opens": stage.window_opens.isoformat(), "window_closes": stage.window_closes.isoformat()}
        s = stage.stage_on(day)
        if s == "before":
            raise CaseError("divorce_application date is after the day being checked")
        if s in ("cooling_off", "expired"):
            reasons.append("cooling_off" if s == "cooling_off" else "window_expired")
    if reasons:
        return _decision("refuse", reasons, [], business, offices, details)

    outcomes = []
    for trust in (True, False):
        failed, eligible = _where(applicable, policy, parties, sorted(offices), trust, application)
        if failed:
            outcomes.append(("refuse", (failed,), ()))
        elif eligible is None:
            outcomes.append(("staff", ("hukou_unclear",), ()))
        elif office in eligible:
            outcomes.append(("accept", (_basis(applicable),), (office,)))
        else:
            outcomes.append(("redirect", (applicable.reason,), tuple(eligible)))
    trusted, confirmed = outcomes
    if trusted != confirmed:
        # The answer hangs on a hukou county read from the number, not the address: a registrar confirms.
        return _decision("staff", ["hukou_unclear"], list(trusted[2]), business, offices, details)
    decision, why, where = trusted
    return _decision(decision, list(why), list(where), business, offices, details)


def _decision(decision, reasons, where, business, offices, details) -> Decision:
    known = [offices[c] for c in where if c in offices]
    return Decision(decision, tuple(reasons), tuple(where),
                    compose_message(decision, business, reasons, known, details), details)
