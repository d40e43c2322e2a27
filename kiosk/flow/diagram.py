"""Draws the flow machine as a Mermaid state diagram (docs/flow.md); `python -m kiosk.flow.diagram > docs/flow.md`.
A test fails when the committed picture differs from the machine."""

from __future__ import annotations

from typing import cast

from kiosk.flow import ANY, APPLICANT, IDLE_STATES, NOT_ATTRACT, RESUME, STAY, TRANSITIONS, Choice, State
from kiosk.flow.table import T

_GROUPS = {
    ANY: "any state",
    APPLICANT: "any applicant state",
    IDLE_STATES: "any state waiting for the applicant",
    NOT_ATTRACT: "any state but attract",
}


def _label(t: T) -> str:
    label: str = t.event.__name__
    if t.guard is not None:
        name = getattr(t.guard, "__name__", "guard")
        label += f" [{'guard' if name == '<lambda>' else name}]"
    return label


def mermaid() -> str:
    lines = [
        "# The applicant flow",
        "",
        "Generated from `kiosk/flow/table.py` by `python -m kiosk.flow.diagram`; "
        "do not edit. Rows that stay in their state, and rows that apply in every state, are listed "
        "below the picture.",
        "",
        "```mermaid",
        "stateDiagram-v2",
        f"    [*] --> {State.ATTRACT.value}",
    ]
    notes = []
    for t in TRANSITIONS:
        if t.source in _GROUPS or t.target == STAY:
            where = _GROUPS.get(t.source) or ", ".join(sorted(s.value for s in t.source))
            target = "stays" if t.target == STAY else (t.target.value if isinstance(t.target, State) else t.target)
            notes.append(f"- {where}: {_label(t)} → {target}")
            continue
        for source in sorted(t.source, key=lambda s: list(State).index(s)):
            if isinstance(t.target, Choice):
                lines.append(f"    {source.value} --> {_choice_id(t.target)}: {_label(t)}")
                continue
            target = "resume" if t.target == RESUME else cast(State, t.target).value
            lines.append(f"    {source.value} --> {target.replace('resume', 'resume_previous')}: {_label(t)}")
    for choice in sorted({t.target for t in TRANSITIONS if isinstance(t.target, Choice)}, key=_choice_id):
        lines.append(f"    state {_choice_id(choice)} <<choice>>")
        lines += [f"    {_choice_id(choice)} --> {o.value}: {choice.name}" for o in choice.outcomes]
    lines += ["```", "", "## Rows not drawn", ""] + notes
    return "\n".join(lines) + "\n"


def _choice_id(choice: Choice) -> str:
    return "choice_" + choice.pick.__name__.strip("_")


if __name__ == "__main__":
    print(mermaid(), end="")
