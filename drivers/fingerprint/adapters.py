"""Fingerprint adapters by URL scheme (see drivers/registry.py). The kiosk runs with `none` by default."""

ADAPTERS = {
    "none": "drivers.fingerprint.port:none_factory",  # no device: checks answer `unavailable`
    "serial": "drivers.fingerprint.driver:factory",  # R30x/AS608 standalone sensor, 57600 baud
    "file": "drivers.fingerprint.driver:factory",
    "sim": "drivers.fingerprint.simulator:factory",  # in-process R30x simulator on a pty
    "vendor": "drivers.fingerprint.vendor:factory",  # vendor:///path/lib.so — reader vendor SDK plug-in
}
