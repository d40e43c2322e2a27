"""The scenarios by name, as `kiosk-diag journey` takes them."""

from __future__ import annotations

from typing import Any, Callable

SCENARIOS: dict[str, Callable[..., Any]] = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn
