"""Printer adapters by URL scheme (see drivers/registry.py). No imports here: targets load lazily."""

ADAPTERS = {
    "serial": "drivers.printer.driver:factory",  # /dev/ttyUSB0, a pty, socket://host:port (pyserial URLs)
    "tcp": "drivers.printer.driver:factory",  # tcp://host:9100 (raw port printing)
    "usb": "drivers.printer.driver:factory",  # usb://0x0416:0x5011 (needs pyusb)
    "file": "drivers.printer.driver:factory",  # a file or write-only device node; no status
    "sim": "drivers.printer.simulator:factory",  # sim://printer[?out=DIR&paper=M&near_end_after=N]
}
