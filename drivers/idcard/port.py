"""The ID card reader as the kiosk sees it: start/stop and a stream of events, plus a photo decoder port."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol, Union

from kiosk.domain.idcard_record import IdCardRecord


@dataclass(frozen=True)
class CardRead:
    record: IdCardRecord = field(repr=False)


@dataclass(frozen=True)
class CardRemoved:
    """Find answered 80 after a read: the card left the field (or lies halted in it; it must leave to be read again)."""


@dataclass(frozen=True)
class ReaderFault:
    reason: str


@dataclass(frozen=True)
class ReaderRecovered:
    pass


ReaderEvent = Union[CardRead, CardRemoved, ReaderFault, ReaderRecovered]
EventSink = Callable[[ReaderEvent], None]


class IdCardReader(Protocol):
    """Events arrive on the reader's own thread; the UI hops to its main thread itself."""

    def start(self, on_event: EventSink) -> None: ...

    def stop(self) -> None: ...


class PhotoDecoder(Protocol):
    """WLT (1024 bytes on the card) → BMP bytes (102×126), through the reader vendor's closed library."""

    available: bool
    reason: str  # why not, when unavailable (shown to staff; face-vs-ID comparison is then skipped)

    def decode(self, wlt: bytes) -> bytes: ...
