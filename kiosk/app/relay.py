"""Flow events from outside the UI loop (devices, the office link's judgement, probes) on their way to the shell.

Built first, so the parts that report events can be constructed with it; the shell attaches its thread-safe
post once it exists. Until then (and in tools that run no shell) events are dropped: nothing has started yet.
"""

from __future__ import annotations

from typing import Callable

from kiosk.flow import events as ev

Sink = Callable[[ev.Event], None]


class EventRelay:
    def __init__(self) -> None:
        self._sink: Sink | None = None

    def attach(self, sink: Sink) -> None:
        """The shell's `post_threadsafe` (callable from any thread)."""
        self._sink = sink

    def post(self, event: ev.Event) -> None:
        sink = self._sink
        if sink is not None:
            sink(event)

    def backend_changed(self, up: bool, reason: str = "") -> None:
        """BackendStatus's `on_change`: the office server judged reachable or not."""
        self.post(ev.BackendUp() if up else ev.BackendDown())
