"""Outbox delivery: email (SMTP + PDF) and signed webhooks."""
