"""Device drivers: one package per device (port, real driver, protocol-accurate simulator)."""
