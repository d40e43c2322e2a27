"""A registration policy as data: where each business may be handled and what it requires.

One rules engine (`eligibility.decide`) reads any policy; a new policy is a new TOML file in config/policies/.
Each policy is in force from `effective_from` through `effective_until` (open-ended when absent); `in_force`
picks the one in force on a case's date.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.domain.business import check_business_keys

# Where a case may be handled:
#   all_offices        every office the kiosk knows (the city's county offices)
#   hukou_office       only the office of the county where a (local, mainland) party's hukou is
#   designated         only the offices listed in `offices`
#   application_office only the office that accepted the divorce application (cooling-off rules apply)
Where = Literal["all_offices", "hukou_office", "designated", "application_office"]
# Who must be among the parties:
#   local_mainland_party  a mainland resident whose hukou is in the policy's local area
#   mainland_party        any mainland resident
#   none                  no requirement
Requires = Literal["local_mainland_party", "mainland_party", "none"]
# Cases that switch a business to an exception rule.
Case = Literal["military", "non_mainland"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Model):
    zh: str
    en: str


class Documents(_Model):
    zh: list[str]
    en: list[str]

    @model_validator(mode="after")
    def _same_length(self) -> Documents:
        if len(self.zh) != len(self.en):
            raise ValueError("zh and en lists must have the same number of items")
        return self


class Rule(_Model):
    where: Where
    requires: Requires = "local_mainland_party"
    offices: list[str] = []
    reason: str = "other_office"

    @model_validator(mode="after")
    def _designated_has_offices(self) -> Rule:
        if self.where == "designated" and not self.offices:
            raise ValueError("where = 'designated' needs a non-empty 'offices' list")
        return self


class Exception_(Rule):
    when: Case


class BusinessRule(Rule):
    parties: tuple[int, int]  # [fewest, most] persons who may apply together
    opposite_sexes: bool = False  # two parties must be one man and one woman
    legal_age: bool = False
    exceptions: list[Exception_] = []
    bring: Documents
    bring_non_mainland: Documents | None = None  # more, when a party is not a mainland resident

    def documents(self, lang: str, non_mainland: bool = True) -> list[str]:
        """What to have ready, in `lang`: the items for non-mainland parties only when `non_mainland` (the guide,
        where nobody is known yet, lists them all)."""
        lists = [self.bring] + ([self.bring_non_mainland] if non_mainland and self.bring_non_mainland else [])
        return [item for d in lists for item in (getattr(d, lang, None) or d.zh)]

    @field_validator("parties")
    @classmethod
    def _party_span(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= value[0] <= value[1] <= 2:
            raise ValueError("parties = [fewest, most] with 1 ≤ fewest ≤ most ≤ 2")
        return value

    @property
    def min_parties(self) -> int:
        return self.parties[0]

    @property
    def max_parties(self) -> int:
        return self.parties[1]


class Policy(_Model):
    name: str
    title: Bilingual
    effective_from: date
    effective_until: date | None = None  # the last day in force; None = still in force
    local_area: str = Field(pattern=r"^\d{4}(\d{2})?$", description="division code prefix whose hukou is local")
    cooling_off_days: int = Field(default=30, ge=0)
    certificate_window_days: int = Field(default=30, ge=1)
    legal_age: dict[Literal["male", "female"], int] = {"male": 22, "female": 20}
    business: dict[str, BusinessRule]

    @field_validator("business")
    @classmethod
    def _known_businesses(cls, value: dict[str, BusinessRule]) -> dict[str, BusinessRule]:
        check_business_keys(value, "rule")
        return value

    @model_validator(mode="after")
    def _span(self) -> Policy:
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        return self

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)

    @property
    def span(self) -> str:
        start = self.effective_from.isoformat()
        return (
            f"from {start} (open-ended)"
            if self.effective_until is None
            else f"from {start} to {self.effective_until.isoformat()}"
        )

    @property
    def local_prefix(self) -> str:
        return self.local_area[:4] if self.local_area.endswith("00") else self.local_area


class PolicyNotInForce(ValueError):
    """No policy (or not the one named) is in force on the case's date."""


def in_force(policies: Collection[Policy], day: date) -> Policy:
    """The one policy in force on `day` (spans are checked not to overlap when the files are loaded)."""
    for policy in policies:
        if policy.in_force_on(day):
            return policy
    spans = ", ".join(f"{p.name} {p.span}" for p in sorted(policies, key=lambda p: p.effective_from))
    raise PolicyNotInForce(f"no policy is in force on {day.isoformat()} (known: {spans})")


def check_in_force(policy: Policy, day: date) -> None:
    if not policy.in_force_on(day):
        raise PolicyNotInForce(f"policy '{policy.name}' is in force {policy.span}, not on {day.isoformat()}")
