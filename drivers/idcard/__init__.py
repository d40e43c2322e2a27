"""idcard device: port, real driver, simulator."""
