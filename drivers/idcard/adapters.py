"""ID card reader adapters by URL scheme (see drivers/registry.py). No imports here: targets load lazily."""

ADAPTERS = {
    "serial": "drivers.idcard.driver:factory",  # /dev/…, socket://, loop://, rfc2217://
    "file": "drivers.idcard.driver:factory",  # any other path (a udev or simulator symlink) is a tty too
    "sim": "drivers.idcard.simulator:factory",  # sim://idcard[?card=FILE.json]: in-process simulator on a pty
}
