"""The kiosk's own error types. Vendor and OS errors (serial, USB, HTTP, OpenCV) become these at the edge."""


class KioskError(Exception):
    """Base of every error the kiosk raises on purpose."""


class DeviceError(KioskError):
    """A device failed; `device` names which (idcard, scanner, printer, camera, fingerprint)."""

    def __init__(self, device: str, message: str):
        self.device = device
        super().__init__(f"{device}: {message}")


class DeviceNotFound(DeviceError):
    """The port or device is not there (unplugged, wrong path, no permission)."""


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""


class ProtocolError(DeviceError):
    """The device answered with bytes that do not make a valid frame."""


class BackendError(KioskError):
    """The office server could not be reached or answered with an error."""
