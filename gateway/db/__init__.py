"""Persistence: sqlmodel tables, the engine and tenant-scoped repositories."""
