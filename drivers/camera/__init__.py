"""camera device: port, real driver, simulator."""
