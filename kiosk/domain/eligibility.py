"""The rules engine: given a policy, this office, the business, the day and the parties, may this office take
the case? One engine reads any policy file; the policy decides where each business may be handled.

Decisions: accept · redirect (offices lists who may) · staff (the kiosk cannot tell, e.g. an unclear hukou county or
a deadline in a year without a holiday calendar; offices is this office, whose counter takes it) · refuse (no office may). Each check quotes the clause it applies; where a business may be
handled is policy data (config/policies/*.toml, with their clauses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Mapping

from kiosk.domain.dates import COOLING_OFF_SINCE, CoolingOff, RestDays, age_on, card_valid_on
from kiosk.domain.messages import compose_message
from kiosk.domain.offices import OfficeConfig
from kiosk.domain.party import Party
from kiosk.domain.policy import BusinessRule, Policy, PolicyNotInForce, Rule, check_in_force


class DecisionKind(StrEnum):
    ACCEPT = "accept"
    REDIRECT = "redirect"
    STAFF = "staff"
    REFUSE = "refuse"


@dataclass(frozen=True)
class DivorceApplication:
    date: date
    office: str


@dataclass(frozen=True)
class Decision:
    decision: str  # a DecisionKind
    reasons: tuple[str, ...]
    offices: tuple[str, ...]
    message: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reasons": list(self.reasons),
            "offices": list(self.offices),
            "message": self.message,
            "details": self.details,
        }


class CaseError(ValueError):
    """The case cannot be judged as given (e.g. a divorce certificate without its application)."""


def _who(rule: BusinessRule, parties: list[Party]) -> list[str]:
    """Who may apply together.
    民法典 第一千零四十九条 "要求结婚的男女双方应当亲自到婚姻登记机关申请结婚登记。"
    第一千零七十六条 "夫妻双方自愿离婚的，应当签订书面离婚协议，并亲自到婚姻登记机关申请离婚登记。"
    第一千零七十七条 "…双方应当亲自到婚姻登记机关申请发给离婚证" — two persons, one man and one woman, both in person.
    How many may apply is the policy's `parties = [fewest, most]`; `opposite_sexes` marks the businesses of a
    couple. Sex is the card's, else the number's 17th digit (odd = male)."""
    if not rule.min_parties <= len(parties) <= rule.max_parties:
        return ["party_count"]
    if len(parties) < 2:
        return []
    first, second = parties
    if first.same_person_as(second):
        return ["same_person"]
    sexes = [p.effective_sex() for p in parties]
    if rule.opposite_sexes and None not in sexes and sexes[0] == sexes[1]:
        return ["same_sex"]
    return []


def _refusals(policy: Policy, legal_age: bool, parties: list[Party], day: date) -> list[str]:
    """Per-party checks no office can get past, in the order reasons are reported."""
    reasons = []
    if any(p.id_problem() for p in parties):
        reasons.append("id_invalid")
    for mismatch in ("birth_mismatch", "sex_mismatch"):
        if any(p.disagreement() == mismatch for p in parties):
            reasons.append(mismatch)
    if any(p.valid_until is not None and not card_valid_on(p.valid_until, day) for p in parties):
        reasons.append("id_expired")
    # 民法典 第一千零四十七条 "结婚年龄，男不得早于二十二周岁，女不得早于二十周岁。"
    if legal_age:
        for p in parties:
            birth, sex = p.effective_birth(), p.effective_sex()
            if birth and sex and age_on(birth, day) < policy.legal_age[sex]:  # type: ignore[index]  # sex is "male" or "female"
                reasons.append("underage")
                break
    return reasons


def _applicable_rule(policy: Policy, business: str, parties: list[Party]) -> Rule:
    rule = policy.business[business]
    cases = {"military": any(p.military for p in parties), "non_mainland": any(not p.mainland for p in parties)}
    return next((e for e in rule.exceptions if cases[e.when]), rule)


def _where(
    rule: Rule,
    policy: Policy,
    parties: list[Party],
    known_offices: list[str],
    trust_fallback: bool,
    application: DivorceApplication | None,
) -> tuple[str | None, list[str] | None]:
    """(failed requirement reason or None, eligible offices or None when the hukou county is unknown)."""
    mainland = [p for p in parties if p.mainland]
    hukous = [p.hukou() for p in mainland]
    if not trust_fallback:
        hukous = [h if h and h.confirmed else None for h in hukous]
    local = [h for h in hukous if h and h.in_city and (h.county is None or h.county.startswith(policy.local_prefix))]
    if rule.requires != "none" and not mainland:
        return "no_mainland_party", []
    if rule.requires == "local_mainland_party" and not local:
        return "no_local_hukou", []
    if rule.where == "all_offices":
        return None, list(known_offices)
    if rule.where == "designated":
        return None, list(rule.offices)
    if rule.where == "application_office":
        assert application is not None  # decide() has checked there is one
        return None, [application.office]
    counties = {h.county for h in local}
    if None in counties:
        return None, None
    return None, sorted(c for c in counties if c is not None)


def _basis(rule: Rule) -> str:
    return {
        "all_offices": "local_hukou" if rule.requires == "local_mainland_party" else "any_office",
        "hukou_office": "hukou_office",
        "designated": "designated",
        "application_office": "application_office",
    }[rule.where]


def decide(
    policy: Policy,
    offices: Mapping[str, OfficeConfig],
    office: str,
    business: str,
    day: date,
    parties: list[Party],
    application: DivorceApplication | None = None,
    rest_days: RestDays | None = None,
) -> Decision:
    """`offices` maps code → office info (.name.zh/.en, .address.zh/.en, .phone) for every office known.
    `policy` must be in force on `day`; `rest_days` is the holiday calendar (None: none installed). A divorce
    deadline in a year without a calendar goes to this office's counter (staff), never weekends alone."""
    try:
        check_in_force(policy, day)
    except PolicyNotInForce as e:
        raise CaseError(str(e)) from None
    if business not in policy.business:
        raise CaseError(f"business '{business}' is not in policy '{policy.name}'")
    if office not in offices:
        raise CaseError(f"office '{office}' is not one of {sorted(offices)}")
    if not parties:
        raise CaseError("at least one party is needed")
    rule = policy.business[business]
    details: dict[str, Any] = {}
    reasons = _who(rule, parties)
    if "party_count" in reasons:
        details["parties_allowed"] = "–".join(str(n) for n in sorted({rule.min_parties, rule.max_parties}))
    reasons += _refusals(policy, rule.legal_age, parties, day)

    applicable = _applicable_rule(policy, business, parties)
    if applicable.where == "application_office":
        if application is None:
            raise CaseError(f"{business} needs divorce_application (its date and office)")
        if application.date < COOLING_OFF_SINCE:
            raise CaseError(
                f"divorce_application {application.date.isoformat()}: before "
                f"{COOLING_OFF_SINCE.isoformat()} there was no cooling-off; the certificate was issued "
                "with the application"
            )
        stage = CoolingOff(
            application.date, policy.cooling_off_days, policy.certificate_window_days, rest_days or RestDays()
        )
        details |= {
            "window_opens": stage.window_opens.isoformat(),
            "window_closes": stage.window_closes.isoformat(),
            "rest_days": stage.calendar_note,
        }
        s = stage.stage_on(day)
        if s == "before":
            raise CaseError("divorce_application date is after the day being checked")
        if stage.missing_years:
            first, last = stage.missing_years[0], stage.missing_years[-1]  # consecutive years
            details["calendar_missing"] = str(first) if first == last else f"{first}–{last}"
        elif s != "window":
            reasons.append("cooling_off" if s == "cooling_off" else "window_expired")
    if reasons:
        return _decision("refuse", reasons, [], business, offices, details, len(parties))

    outcomes: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    for trust in (True, False):
        failed, eligible = _where(applicable, policy, parties, sorted(offices), trust, application)
        if failed:
            outcomes.append(("refuse", (failed,), ()))
        elif eligible is None:
            outcomes.append(("staff", ("hukou_unclear",), (office,)))
        elif office in eligible:
            outcomes.append(("accept", (_basis(applicable),), (office,)))
        else:
            outcomes.append(("redirect", (applicable.reason,), tuple(eligible)))
    trusted, confirmed = outcomes
    if trusted != confirmed:
        # The answer hangs on a hukou county read from the number, not the address: a registrar here confirms.
        details["if_confirmed"] = {"decision": trusted[0], "offices": list(trusted[2])}
        return _decision("staff", ["hukou_unclear"], [office], business, offices, details, len(parties))
    decision, why, where = trusted
    if decision == "accept" and "calendar_missing" in details:
        # Weekends alone could put a deadline inside a holiday (the Spring Festival): the counter works it out.
        return _decision("staff", ["holiday_calendar_missing"], [office], business, offices, details, len(parties))
    return _decision(decision, list(why), list(where), business, offices, details, len(parties))


def _decision(
    decision: str,
    reasons: list[str],
    where: list[str],
    business: str,
    offices: Mapping[str, OfficeConfig],
    details: dict[str, Any],
    party_count: int,
) -> Decision:
    known = [offices[c] for c in where if c in offices]
    return Decision(
        decision,
        tuple(reasons),
        tuple(where),
        compose_message(decision, business, reasons, known, details, party_count == 1),
        details,
    )
