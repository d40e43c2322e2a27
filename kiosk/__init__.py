"""Self-service kiosk for Heyuan marriage registration offices (全城通办)."""
