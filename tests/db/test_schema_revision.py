"""Which database revisions /readyz accepts (gateway.db.schema_revision)."""

from __future__ import annotations

from gateway.db.schema_revision import Scripts, schema_problem, scripts

SHIPPED = Scripts(heads=frozenset({"0003"}), known=frozenset({"0001", "0002", "0003"}))


def test_at_head_is_fine() -> None:
    assert schema_problem(("0003",), SHIPPED) is None


def test_behind_or_empty_is_a_problem() -> None:
    assert schema_problem(("0002",), SHIPPED) == "database schema is not at head: 0002 != 0003"
    assert schema_problem((), SHIPPED) == "database schema is not at head: none != 0003"


def test_ahead_is_fine() -> None:
    # A newer release migrated during a rolling deploy: the older replicas keep serving.
    assert schema_problem(("0004",), SHIPPED) is None


def test_the_shipped_scripts_have_one_head_among_the_known_revisions() -> None:
    shipped = scripts()
    assert len(shipped.heads) == 1
    assert shipped.heads < shipped.known
