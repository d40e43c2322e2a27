"""Pieces every serial device shares: the simulators' pseudo-terminal, the driver thread, port errors."""
