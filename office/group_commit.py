"""Group commit for the office API's writes.

Fifty kiosks printing tickets at once would otherwise wait for fifty fsyncs in a row on the event loop. POSTs
that arrive in the same turn of the loop are run together in one transaction (one fsync), in arrival order,
each in its own savepoint; every one is answered after the commit, so an answer still means "stored".
"""

from __future__ import annotations

import asyncio

from office.idempotency import check_key
from office.service import OfficeBackend


class GroupCommit:
    def __init__(self, backend: OfficeBackend):
        self.backend = backend
        self._pending: list[tuple[str | None, str, object, object, asyncio.Future]] = []

    async def run(self, key: str | None, print_: str, work, note=None) -> tuple[int, dict, bool]:
        """(status, body, replayed) of `work(conn)` applied once per key, in a transaction shared with whatever
        else is waiting; `note(conn, status, body)` (the audit) runs in the same transaction."""
        check_key(key)
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._pending.append((key, print_, work, note, done))
        if len(self._pending) == 1:
            loop.call_soon(self._commit)  # after the requests already read in this turn have joined
        return await done

    def _commit(self) -> None:
        batch, self._pending = self._pending, []
        try:
            outcomes = self.backend.idempotent_batch(
                [(key, print_, work, note) for key, print_, work, note, _ in batch]
            )
        except Exception as e:  # BEGIN or COMMIT failed: nothing of the batch was stored
            outcomes = [e] * len(batch)
        for (*_, done), outcome in zip(batch, outcomes):
            if done.cancelled():
                continue
            if isinstance(outcome, Exception):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)
