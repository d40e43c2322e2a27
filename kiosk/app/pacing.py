"""Start-up pacing: work that can wait (the face models, the ticket fonts, the first printer and clock queries)
waits until the first screen is drawn and the UI's own start-up work is done, so a (re)start draws its first
screen sooner and a first applicant's touches do not wait for the GIL. One `stopping` event ends every wait.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)
# Work that can wait (font preloading, the first printer query) waits this long so the first screen comes first.
START_QUIET_S = 3.0


class StartupPacing:
    def __init__(self) -> None:
        # Set by the UI once its first screen is up and warmed: the face models load after it (the face screens
        # wait for them), so a (re)start draws its first screen sooner.
        self.ui_ready = threading.Event()
        # Set by the UI when its own start-up work is done and nobody touched it for a while: the ticket fonts load
        # after it (~0.2 s holding the GIL), so a first applicant's touches do not wait for them.
        self.ui_idle = threading.Event()
        self.fonts_warm = threading.Event()  # the ticket fonts loaded (or given up)
        self.stopping = threading.Event()

    def after_start(self, latest_s: float) -> bool:
        """Wait for start-up to be over: START_QUIET_S, then the UI's own start-up work done in a quiet moment
        (kiosk.ui.idle), or `latest_s` if there is no UI or an applicant keeps it busy. False: stopping."""
        if self.stopping.wait(START_QUIET_S):
            return False
        self.ui_idle.wait(latest_s)
        return not self.stopping.is_set()

    def start(self) -> None:
        spawn(self._warm_up_ticket_fonts)

    def stop(self) -> None:
        self.stopping.set()
        self.ui_ready.set()  # a face-model loader or the font warm-up still waiting gives up now
        self.ui_idle.set()

    def _warm_up_ticket_fonts(self) -> None:
        if not self.after_start(60.0):
            return
        try:
            from drivers.printer.fonts import warm_up

            warm_up()
        except Exception as e:  # the first ticket will load them itself
            log.warning("ticket fonts not preloaded: %s", type(e).__name__)
        finally:
            self.fonts_warm.set()


def spawn(target, *args) -> threading.Thread:
    """A daemon thread named after its work (the kiosk's background jobs)."""
    t = threading.Thread(target=target, args=args, daemon=True, name=target.__name__.strip("_"))
    t.start()
    return t
