"""fingerprint device: port, real driver, simulator."""
