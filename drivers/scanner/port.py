"""The QR/barcode scanner as the kiosk sees it: start/stop and events (a scanned payload, fault, recovered)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Union


@dataclass(frozen=True)
class Scan:
    payload: str


@dataclass(frozen=True)
class ScannerFault:
    reason: str


@dataclass(frozen=True)
class ScannerRecovered:
    pass


ScannerEvent = Union[Scan, ScannerFault, ScannerRecovered]


class Scanner(Protocol):
    def start(self, on_event: Callable[[ScannerEvent], None]) -> None: ...

    def stop(self) -> None: ...
