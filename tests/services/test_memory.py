"""Heap hygiene for a process that runs for months (kiosk/services/memory.py)."""

import threading
from types import SimpleNamespace

from kiosk.flow import State
from kiosk.services import memory


def test_arenas_are_limited_and_freed_memory_goes_back():
    assert memory.limit_arenas() is True  # glibc here (Debian/Ubuntu terminals)
    blocks = [bytearray(4096) for _ in range(20_000)]
    del blocks
    assert memory.give_back() is True


def test_the_heap_is_trimmed_when_a_session_ends(monkeypatch):
    trimmed = threading.Event()
    monkeypatch.setattr(memory, "give_back", trimmed.set)
    shell = SimpleNamespace(listeners=[])
    memory.give_back_after_sessions(shell)
    (listener,) = shell.listeners
    at = lambda s: SimpleNamespace(state=s)  # noqa: E731
    listener(at(State.ATTRACT), at(State.ATTRACT), None)  # attract → attract: nothing ended
    listener(at(State.ATTRACT), at(State.SERVICE_MENU), None)
    assert not trimmed.wait(0.2)
    listener(at(State.DONE), at(State.ATTRACT), None)
    assert trimmed.wait(5)
