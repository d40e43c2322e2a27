"""printer device: port, real driver, simulator."""
