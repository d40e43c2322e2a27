"""Which Screen class and which .kv file show each flow state, and each technician page: one table.

A screen's layout is its .kv file in kiosk/ui/kv/; a class shared by two states (the two card screens, the two
face screens) has its layout in the first state's file. Technician pages are imported when first opened, so
they are named here, not imported."""

from __future__ import annotations

from kiosk.flow import State
from kiosk.ui.screens.appointment import AppointmentScreen
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.backend_offline import BackendOfflineScreen
from kiosk.ui.screens.choose_business import ChooseBusinessScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.consent import ConsentScreen
from kiosk.ui.screens.device_fault import DeviceFaultScreen
from kiosk.ui.screens.done import DoneScreen, PrintingScreen
from kiosk.ui.screens.eligibility import EligibilityScreen
from kiosk.ui.screens.face import Face1Screen, Face2Screen
from kiosk.ui.screens.finger import Finger1Screen, Finger2Screen
from kiosk.ui.screens.guide import GuideScreen
from kiosk.ui.screens.idle_warning import IdleWarningScreen
from kiosk.ui.screens.maintenance import MaintenanceScreen
from kiosk.ui.screens.maintenance_login import MaintenanceLoginScreen
from kiosk.ui.screens.printer_problem import PrinterProblemScreen
from kiosk.ui.screens.read_id import ReadId1Screen, ReadId2Screen
from kiosk.ui.screens.service_menu import ServiceMenuScreen

S = State
SCREENS: dict[State, tuple[type, str]] = {
    S.ATTRACT: (AttractScreen, "attract.kv"),
    S.SERVICE_MENU: (ServiceMenuScreen, "service_menu.kv"),
    S.CHOOSE_BUSINESS: (ChooseBusinessScreen, "choose_business.kv"),
    S.GUIDE: (GuideScreen, "guide.kv"),
    S.APPOINTMENT: (AppointmentScreen, "appointment.kv"),
    S.READ_ID_1: (ReadId1Screen, "read_id_1.kv"),
    S.READ_ID_2: (ReadId2Screen, "read_id_2.kv"),
    S.ELIGIBILITY: (EligibilityScreen, "eligibility.kv"),
    S.CONSENT: (ConsentScreen, "consent.kv"),
    S.FACE_1: (Face1Screen, "face_1.kv"),
    S.FACE_2: (Face2Screen, "face_2.kv"),
    S.FINGER_1: (Finger1Screen, "finger_1.kv"),
    S.FINGER_2: (Finger2Screen, "finger_2.kv"),
    S.CONFIRM: (ConfirmScreen, "confirm.kv"),
    S.PRINTING: (PrintingScreen, "printing.kv"),
    S.DONE: (DoneScreen, "done.kv"),
    S.IDLE_WARNING: (IdleWarningScreen, "idle_warning.kv"),
    S.DEVICE_FAULT: (DeviceFaultScreen, "device_fault.kv"),
    S.PRINTER_PROBLEM: (PrinterProblemScreen, "printer_problem.kv"),
    S.BACKEND_OFFLINE: (BackendOfflineScreen, "backend_offline.kv"),
    S.MAINTENANCE_LOGIN: (MaintenanceLoginScreen, "maintenance_login.kv"),
    S.MAINTENANCE: (MaintenanceScreen, "maintenance.kv"),
}

# Technician page → (module:Class, .kv file).
MAINTENANCE_PAGES: dict[str, tuple[str, str]] = {
    "maintenance_devices": ("kiosk.ui.screens.maintenance_devices:MaintenanceDevicesScreen", "maintenance_devices.kv"),
    "maintenance_selftest": (
        "kiosk.ui.screens.maintenance_selftest:MaintenanceSelftestScreen",
        "maintenance_selftest.kv",
    ),
    "maintenance_counters": (
        "kiosk.ui.screens.maintenance_counters:MaintenanceCountersScreen",
        "maintenance_counters.kv",
    ),
    "maintenance_logs": ("kiosk.ui.screens.maintenance_logs:MaintenanceLogsScreen", "maintenance_logs.kv"),
    "maintenance_settings": (
        "kiosk.ui.screens.maintenance_settings:MaintenanceSettingsScreen",
        "maintenance_settings.kv",
    ),
    "maintenance_journal": ("kiosk.ui.screens.maintenance_journal:MaintenanceJournalScreen", "maintenance_journal.kv"),
    "maintenance_report": ("kiosk.ui.screens.maintenance_report:MaintenanceReportScreen", "maintenance_report.kv"),
}
