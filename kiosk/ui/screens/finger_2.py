from kiosk.ui.screens.finger import FingerScreen


class Finger2Screen(FingerScreen):
    pass
