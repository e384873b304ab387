"""Pre-deployment screening: visa-activity rules and passport data."""
