"""What a vanished or broken serial port raises."""


def port_errors() -> tuple[type[BaseException], ...]:
    """What a vanished or broken port raises through pyserial (termios.error is not an OSError)."""
    import termios

    import serial

    return serial.SerialException, OSError, termios.error
