"""scanner device: port, real driver, simulator."""
