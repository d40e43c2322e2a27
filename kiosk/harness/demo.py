"""Demo mode: the control strip's actions on the in-process simulators and the network, with people who match
today's seeded bookings on the bundled office server (made up, deterministic)."""
from __future__ import annotations

import threading

from kiosk.services.backend_status import local_now


class DemoControls:
    def __init__(self, kiosk, booking_index: int = 0, demo_pin: str | None = None):
        from office.seed import card_fields, seeded_bookings

        self.kiosk = kiosk
        self.demo_pin = demo_pin          # this run's technician PIN, shown in the strip
        now = local_now()
        office = kiosk.office
        bookings = seeded_bookings(office.code, now.date(), now, office.opening_hours)
        self.booking = bookings[booking_index]
        self.cards = [card_fields(p, now.date()) for p in self.booking["parties"]]
        self._paper_out = False

    # --- the strip ---------------------------------------------------------------------------------------------
    def show_qr(self) -> None:
        self.scan(self.booking["qr"])

    def card_1(self) -> None:
        self.present(self.cards[0])

    def card_2(self) -> None:
        self.present(self.cards[-1])

    def remove_card(self) -> None:
        sim = self._sim("idcard")
        if sim is not None:
            _in_background(sim.remove)

    def toggle_paper(self) -> bool:
        sim = self._sim("printer")
        if sim is not None:
            self._paper_out = not self._paper_out
            (sim.pull_paper if self._paper_out else sim.load_paper)()
        return self._paper_out

    def toggle_network(self) -> bool:
        self.kiosk.cut_network(not self.kiosk.network_cut)
        return self.kiosk.network_cut

    def restore(self) -> None:
        """Paper loaded, network back, no card on the reader (blocks on the simulators: not on Kivy's thread)."""
        printer, idcard = self._sim("printer"), self._sim("idcard")
        if self._paper_out and printer is not None:
            printer.load_paper()
        self._paper_out = False
        if self.kiosk.network_cut:
            self.kiosk.cut_network(False)
        if idcard is not None:
            idcard.remove()

    # --- for scripted journeys too -------------------------------------------------------------------------------
    def present(self, card) -> None:
        """Put a card (fixture dict or path) on the reader, replacing whatever lies there."""
        sim = self._sim("idcard")
        if sim is not None:
            _in_background(lambda: (sim.remove(), sim.present(card)))

    def scan(self, payload: str) -> None:
        sim = self._sim("scanner")
        if sim is not None:
            _in_background(lambda: sim.scan(payload))

    def _sim(self, device: str):
        return getattr({"idcard": self.kiosk.idcard, "scanner": self.kiosk.scanner,
                        "printer": self.kiosk.printer}[device], "sim", None)


def _in_background(fn) -> None:
    # Simulator calls wait for the simulator thread: never on Kivy's main thread.
    threading.Thread(target=fn, daemon=True).start()
