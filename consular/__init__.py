"""consular: protecting nationals abroad during host-country immigration enforcement."""

__version__ = "0.1.0"
