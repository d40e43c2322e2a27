"""Scanner adapters by URL scheme (see drivers/registry.py). No imports here: targets load lazily."""

ADAPTERS = {
    "serial": "drivers.scanner.driver:factory",  # /dev/ttyACM*, socket://, loop://
    "file": "drivers.scanner.driver:factory",  # any other path (udev or simulator symlink)
    "evdev": "drivers.scanner.evdev_wedge:factory",  # evdev:///dev/input/by-id/…-event-kbd (keyboard wedge)
    "sim": "drivers.scanner.simulator:factory",  # in-process simulator on a pty
}
