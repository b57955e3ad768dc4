"""Public HTML pages (no API credentials): the payment link page."""
