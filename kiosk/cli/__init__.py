"""Console entry points: kiosk, kiosk-diag, kiosk-sim (kiosk-office-server lives in office/)."""
