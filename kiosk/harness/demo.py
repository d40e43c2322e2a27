"""Demo mode: the control strip's actions on the in-process simulators and the network, with people who match
today's seeded bookings on the bundled office server (made up, deterministic)."""

from __future__ import annotations

import threading
from functools import lru_cache

from kiosk.harness.people import SimulatedApplicants
from kiosk.services.backend_status import local_now


# Who the demo's two applicants are (public-domain fixture photos): on their cards and in front of the camera.
DEMO_FACES = {1: "grace_hopper.jpg", 2: "astronaut.png"}


def demo_face(name: str):
    from drivers.camera.simulator import FIXTURES

    return FIXTURES / name


class NetworkCut:
    """The demo's pulled cable: the office client pointed at a closed loopback port, or back at the server."""

    def __init__(self, client):
        self.client = client  # kiosk.services.office_client.OfficeClient
        self._server_url = ""

    @property
    def cut(self) -> bool:
        return bool(self._server_url)

    def set(self, cut: bool) -> None:
        client = self.client
        if cut and not self._server_url:
            self._server_url, client.base_url = client.base_url, "http://127.0.0.1:9"
        elif not cut and self._server_url:
            client.base_url, self._server_url = self._server_url, ""
        _in_background(self._probe_once)  # the banner follows at once, not at the next health probe

    def _probe_once(self) -> None:
        try:
            self.client.health()
        except Exception:
            pass  # the client has reported the failure to BackendStatus


class DemoControls:
    def __init__(self, parts, people: SimulatedApplicants, booking_index: int = 0, demo_pin: str | None = None):
        """`parts`: the kiosk's (kiosk.app.wiring.Parts): its simulated devices and the office link; `people`: the
        simulated applicants installed in its identity steps (kiosk.app.assemble, `people=`)."""
        from office.seed import seeded_bookings

        self.people = people
        self.devices = parts.devices
        self.events = parts.events  # the printer's state, reported at once after the paper is pulled or put back
        self.network = NetworkCut(parts.link.client)
        self.demo_pin = demo_pin  # this run's technician PIN, shown in the strip
        now = local_now()
        office = parts.office
        self.use_booking(seeded_bookings(office.code, now.date(), now, office.opening_hours)[booking_index])
        self._paper_out = False
        # party → image: the photo on that party's simulated card, and the face the simulated camera shows
        self.id_photos = {party: demo_face(name) for party, name in DEMO_FACES.items()}
        self.faces = dict(self.id_photos)
        self.still: set[int] = set()
        self._holders: list[str] = []  # ID numbers presented this session, in order: party 1, party 2

    def use_booking(self, booking: dict) -> None:
        """The booking whose QR code and cards the strip shows (one of today's seeded bookings)."""
        from office.seed import card_fields

        self.booking = booking
        self.cards = [card_fields(p, local_now().date()) for p in booking["parties"]]

    # --- the strip ---------------------------------------------------------------------------------------------
    def show_qr(self) -> None:
        self.scan(self.booking["qr"])

    def card_1(self) -> None:
        self.present(self.cards[0], party=1)

    def card_2(self) -> None:
        self.present(self.cards[-1], party=len(self.cards))

    def remove_card(self) -> None:
        sim = self._sim("idcard")
        if sim is not None:
            _in_background(sim.remove)

    def toggle_paper(self) -> bool:
        sim = self._sim("printer")
        if sim is not None:
            self._paper_out = not self._paper_out
            (sim.pull_paper if self._paper_out else sim.load_paper)()
            _in_background(self._report_printer)  # the warning follows at once, not at the next 15 s poll
        return self._paper_out

    def _report_printer(self) -> None:
        self.events.post(self.devices.printer_status())

    def toggle_network(self) -> bool:
        self.network.set(not self.network.cut)
        return self.network.cut

    def restore(self) -> None:
        """Paper loaded, network back, no card on the reader (blocks on the simulators: not on Kivy's thread)."""
        printer, idcard = self._sim("printer"), self._sim("idcard")
        if self._paper_out and printer is not None:
            printer.load_paper()
            self._report_printer()
        self._paper_out = False
        # party → image: the photo on that party's simulated card, and the face the simulated camera shows
        self.id_photos = {party: demo_face(name) for party, name in DEMO_FACES.items()}
        self.faces = dict(self.id_photos)
        self.still = set()
        self._holders = []  # ID numbers presented this session, in order: party 1, party 2
        if self.network.cut:
            self.network.set(False)
        if idcard is not None:
            idcard.remove()

    # --- for scripted journeys too -------------------------------------------------------------------------------
    def present(self, card, party: int | None = None) -> None:
        """Put a card (fixture dict or path) on the reader, replacing whatever lies there. A card without a photo
        gets the photo of `party` (default: the party it will be read for) through the simulator's WLT encoding,
        and the simulated camera will show that party's face (self.faces) when its holder is photographed."""
        sim = self._sim("idcard")
        if sim is None:
            return
        if isinstance(card, dict):
            holder = str(card.get("id_number", ""))
            party = party or self._party_of(holder)
            if holder and holder not in self._holders:
                self._holders.append(holder)
            photo = self.id_photos.get(party)
            if photo is not None and not card.get("photo_base64"):
                card = dict(card, photo_image=str(photo))  # encoded off Kivy's thread, below
            if holder and card.get("fingerprint_templates"):
                from drivers.idcard.sim_core import FINGERS

                finger = (card.get("fingerprint_fingers") or FINGERS)[0]
                self.people.fingers[holder] = card.get("finger_on_sensor") or f"{holder}:{finger}"
            face = self.faces.get(party)
            if holder and face is not None:
                self.people.show(holder, face, still=party in self.still)
        _in_background(lambda: (sim.remove(), sim.present(_with_photo(card))))

    def prepare_photo(self, card, party: int | None = None) -> None:
        """Encode now the photo that `present(card, party)` would put on the card (cached): a scripted journey
        times the kiosk, not the simulator finding the face in an image."""
        if not isinstance(card, dict) or card.get("photo_base64"):
            return
        photo = self.id_photos.get(party or self._party_of(str(card.get("id_number", ""))))
        if photo is not None:
            _photo_base64(str(photo))

    def _party_of(self, holder: str) -> int:
        """The party a card holder is read for: in the order their cards were first presented this session."""
        if not holder:
            return 1
        return self._holders.index(holder) + 1 if holder in self._holders else len(self._holders) + 1

    def observe(self, item) -> None:
        """The shell's observer: a new session starts counting parties again."""
        from kiosk.flow.effects import SessionEnded

        if isinstance(item, SessionEnded):  # and the simulators forget who the applicants were
            self._holders = []
            self.people.forget()

    def set_face(self, party: int, image, still: bool = False) -> None:
        """The simulated camera shows `image` when `party`'s card holder is photographed (still: a photo held up)."""
        self.faces[party] = image
        (self.still.add if still else self.still.discard)(party)

    def set_id_photo(self, party: int, image) -> None:
        self.id_photos[party] = image

    def scan(self, payload: str) -> None:
        sim = self._sim("scanner")
        if sim is not None:
            _in_background(lambda: sim.scan(payload))

    def _sim(self, device: str):
        return getattr(
            {"idcard": self.devices.idcard, "scanner": self.devices.scanner, "printer": self.devices.printer}[device],
            "sim",
            None,
        )


def _with_photo(card):
    """The card with its photo in the simulator's WLT encoding (finding the face in the image takes ~0.1 s)."""
    if not isinstance(card, dict) or "photo_image" not in card:
        return card
    rest = {k: v for k, v in card.items() if k != "photo_image"}
    return dict(rest, photo_base64=_photo_base64(card["photo_image"]))


@lru_cache(maxsize=32)
def _photo_base64(path: str) -> str:
    from drivers.idcard.sim_photo import photo_base64

    return photo_base64(path)


def _in_background(fn) -> None:
    # Simulator calls wait for the simulator thread: never on Kivy's main thread.
    threading.Thread(target=fn, daemon=True).start()
