from kiosk.ui.screens.finger import FingerScreen


class Finger1Screen(FingerScreen):
    pass
