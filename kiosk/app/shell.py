"""The shell around the pure flow machine: feeds it events, runs its effects in workers, keeps its timers.

No Kivy here: the UI passes a Scheduler (Kivy's Clock in the app, a manual one in tests). Everything but the
effect workers runs on the main thread; workers and device threads hand events back through `post_threadsafe`.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import date
from typing import Callable, Protocol

from kiosk.domain.verification import FaceResult
from kiosk.flow import Flow, FlowEnv, Session, State, step, timer_for
from kiosk.flow.table import FACE_OUTCOME_S
from kiosk.flow.events import Event, FaceCaptured, Idle, NewDay
from kiosk.flow.effects import Effect, SessionEnded

log = logging.getLogger(__name__)


class Handle(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def later(self, delay: float, fn: Callable[[], None]) -> Handle: ...

    def soon(self, fn: Callable[[], None]) -> None:
        """Run fn on the main thread as soon as possible (callable from any thread)."""


class EffectPort(Protocol):
    def run(self, effect: Effect) -> Event | None: ...

    def cancel(self, effect: Effect) -> None:
        """Stop a running effect (Effect.ends): it returns soon, and its answer is dropped."""


def timer_seconds(config) -> dict[str, float]:
    """The flow's timer table from the kiosk configuration."""
    return {
        "idle_s": config.kiosk.idle_timeout_s,
        "idle_warning_s": config.kiosk.idle_warning_s,
        "assisted_idle_s": config.kiosk.assisted_idle_timeout_s,
        "printing_s": 30.0,
        "done_s": 20.0,
        "printer_problem_s": 60.0,
        "maintenance_login_s": 60.0,
        "maintenance_idle_s": config.maintenance.idle_logout_s,
        "face_outcome_s": FACE_OUTCOME_S,
    }


class Shell:
    def __init__(
        self,
        env: FlowEnv,
        effects: EffectPort,
        scheduler: Scheduler,
        seconds: dict[str, float],
        workers: int = 4,  # a face capture holds one for the whole step
        today: Callable[[], date] | None = None,
    ):
        self.env, self.effects, self.scheduler, self.seconds = env, effects, scheduler, seconds
        self.today = today  # the local date, read at every event (a kiosk runs for days)
        self.flow = Flow(session=Session(language=env.languages[0]))
        self.listeners: list[Callable[[Flow, Flow, Event], None]] = []
        # Every event and effect, in order (the maintenance counters, device board and log masking).
        self.observers: list[Callable[[object], None]] = []
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="effect")
        self._pending = 0
        self._futures: dict = {}  # running or queued effect → its Effect (for a clean shutdown)
        # every effect until its answer is delivered: its flag (set when a later effect ends it, Effect.ends) →
        # (the effect, its future)
        self._answers: dict = {}
        self._lock = threading.Lock()
        self._timer: tuple[type, float, Handle] | None = None
        self._day_watch: Handle | None = None

    # --- events ---------------------------------------------------------------------------------------------
    def post(self, event: Event) -> None:
        """Main thread only: one step of the machine, then effects, timers and listeners. The date is read now,
        so the first event of a day (after a quiet night) is decided with that day's date."""
        if not isinstance(event, NewDay):
            self.check_day()
        self._observe(event)
        old = self.flow
        new, effects = step(old, event, self.env)
        self.flow = new
        if (
            new.state != old.state
            or isinstance(event, Idle)
            or new.session.assistance != old.session.assistance
            or new.session.face_shown is not old.session.face_shown
        ):
            self._arm_timer(new.state)
        for listener in list(self.listeners):
            try:
                listener(old, new, event)
            except Exception:  # a screen's bug must not stop the machine
                log.exception("flow listener failed")
        for effect in effects:
            if isinstance(effect, SessionEnded):
                shown = old.session.face_shown
                _wipe_faces(old.session.faces + ((shown,) if shown is not None else ()))
            self._submit(effect)

    def check_day(self) -> bool:
        """Main thread: if the local date changed, take it into the flow's env and post NewDay (the flow and the
        observers reset the day's state). True when it did."""
        if self.today is None:
            return False
        day = self.today()
        if day == self.env.today:
            return False
        self.env = replace(self.env, today=day)
        self.post(NewDay(day))
        return True

    def watch_day(self, every_s: float = 30.0) -> None:
        """While nothing happens (a quiet night), still notice the new day: checked every `every_s`."""

        def tick():
            self.check_day()
            self._day_watch = self.scheduler.later(every_s, tick)

        if self._day_watch is None and self.today is not None:
            self._day_watch = self.scheduler.later(every_s, tick)

    def _observe(self, item) -> None:
        for observer in list(self.observers):
            try:
                observer(item)
            except Exception:  # counting must never stop the machine
                log.exception("flow observer failed")

    def post_threadsafe(self, event: Event) -> None:
        self.scheduler.soon(lambda: self.post(event))

    def touched(self) -> None:
        """A touch anywhere: re-arm the idle timer (the applicant is still there)."""
        if self._timer is not None and self._timer[0] is Idle:
            self._arm_timer(self.flow.state)

    # --- effects ---------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def _submit(self, effect: Effect) -> None:
        self._observe(effect)
        if effect.ends:
            self._end(effect.ends)
        counted = not effect.background  # following a call is no work in progress
        ended = threading.Event()
        with self._lock:
            self._pending += counted
            future = self._pool.submit(self._run_effect, effect, counted, ended)
            self._futures[future], self._answers[ended] = effect, (effect, future)
        future.add_done_callback(self._forget)

    def _end(self, kinds: tuple[type[Effect], ...]) -> None:
        """Main thread: effects of these kinds still running or queued are ended; whatever they answer is
        dropped (decided here, on the main thread, so no late answer reaches the flow)."""
        with self._lock:
            ended = [
                (flag, e, f) for flag, (e, f) in self._answers.items() if isinstance(e, kinds) and not flag.is_set()
            ]
            for flag, _, _ in ended:
                flag.set()  # done but not yet delivered too: its answer is dropped
        for flag, effect, future in ended:
            if future.cancel():  # still queued: it never runs
                with self._lock:
                    self._pending -= not effect.background
                    self._answers.pop(flag, None)
            elif not future.done():  # running: ask it to stop
                self.effects.cancel(effect)

    def _forget(self, future) -> None:
        with self._lock:
            self._futures.pop(future, None)

    def _run_effect(self, effect: Effect, counted: bool, ended: threading.Event) -> None:
        try:
            result = self.effects.run(effect)
        except Exception:
            log.exception("effect %s failed", type(effect).__name__)
            result = None

        def deliver():
            try:
                if ended.is_set():  # a later effect ended it: the answer is stale
                    if isinstance(result, FaceCaptured) and result.result is not None:
                        result.result.wipe()
                elif result is not None:
                    self.post(result)
            finally:
                with self._lock:
                    self._pending -= counted
                    self._answers.pop(ended, None)

        self.scheduler.soon(deliver)

    # --- timers ---------------------------------------------------------------------------------------------
    def _arm_timer(self, state: State) -> None:
        if self._timer is not None:
            self._timer[2].cancel()
            self._timer = None
        s = self.flow.session
        spec = timer_for(state, self.seconds, assisted=bool(s.assistance), outcome_shown=s.face_shown is not None)
        if spec is None:
            return
        event_type, seconds = spec
        handle = self.scheduler.later(seconds, lambda: self._fire(event_type))
        self._timer = (event_type, time.monotonic() + seconds, handle)

    def _fire(self, event_type: type) -> None:
        self._timer = None
        self.post(event_type())

    def time_left(self) -> float | None:
        """Seconds until the current state's timer fires (the idle warning's countdown)."""
        return None if self._timer is None else max(0.0, self._timer[1] - time.monotonic())

    def advance(self, seconds: float) -> bool:
        """Let `seconds` pass at once (scripted journeys): fire the timer if it is due by then."""
        if self._timer is not None and self._timer[1] - time.monotonic() <= seconds:
            event_type = self._timer[0]
            self._timer[2].cancel()
            self._fire(event_type)
            return True
        return False

    def drain(self, timeout: float) -> int:
        """Wait up to `timeout` s for effects already running (a ticket printing, a check-in being sent);
        returns how many are still running. Their results are not delivered: the UI loop has stopped."""
        with self._lock:
            running = [f for f, e in self._futures.items() if not f.done() and not e.background]  # not a follow-up
        _, not_done = wait(running, timeout=timeout)
        return len(not_done)

    def running_effects(self) -> list[Effect]:
        with self._lock:
            return [e for f, e in self._futures.items() if f.running()]

    def close(self) -> None:
        if self._timer is not None:
            self._timer[2].cancel()
        if self._day_watch is not None:
            self._day_watch.cancel()
            self._day_watch = None
        self._pool.shutdown(wait=False, cancel_futures=True)


def _wipe_faces(faces: tuple[FaceResult, ...]) -> None:
    for result in faces:
        result.wipe()
