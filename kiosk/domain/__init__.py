"""Pure domain rules: no I/O, no clock, no devices. Dates and configuration are passed in."""
