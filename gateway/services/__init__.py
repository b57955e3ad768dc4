"""Use cases: the only place that orchestrates db, store and domain."""
