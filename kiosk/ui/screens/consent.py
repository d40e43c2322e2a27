"""Separate consent for face capture, in plain words, saying exactly what this kiosk's configuration does with the
photo (compared on the kiosk with the card's photo, sent to the office's identity service, or not compared), with
a no-face alternative (the fingerprint if configured, else the staff check at the counter)."""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.flow.events import Consent
from kiosk.i18n import tr
from kiosk.ui.screens.base import KioskScreen


class ConsentScreen(KioskScreen):
    body = StringProperty("")

    def update(self, flow):
        self.body = consent_text(getattr(self.app, "kiosk", None), flow.session.language)

    def answer(self, given: bool):
        self.send(Consent(given))


def consent_text(kiosk, lang: str) -> str:
    face = getattr(getattr(kiosk, "config", None), "face", None)
    reference = getattr(face, "reference", "card")
    parts = [tr(f"consent_body_{reference}", lang)]
    if reference != "none" and getattr(face, "liveness", False):
        parts.append(tr("consent_liveness", lang))
    if getattr(kiosk, "fingerprint", None) is not None:
        parts.append(tr("consent_finger", lang))
    parts.append(tr("consent_keep", lang))
    return "".join(parts) if lang == "zh" else " ".join(parts)
