"""Fingerprint sensor adapters by URL scheme (see drivers/registry.py). The kiosk's default `none` opens nothing
(kiosk/services/identity/fingerprint.py: no sensor, no fingerprint step)."""

ADAPTERS = {
    "serial": "drivers.fingerprint.driver:factory",  # R30x/AS608 standalone sensor, 57600 baud
    "file": "drivers.fingerprint.driver:factory",
    "sim": "drivers.fingerprint.simulator:factory",  # in-process R30x simulator on a pty
}
