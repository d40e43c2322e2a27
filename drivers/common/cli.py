"""What the simulators' command lines share with the kiosk's tools: exit codes and the usage error."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or input: the tool prints the message on stderr and exits 2."""
