"""gateway.db.request_reads on SQLite and PostgreSQL: one connection for a request's
reads, each read seeing what is committed when it runs, the connection given back as it
was taken."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from gateway.db import repositories as repo
from gateway.db.request_reads import RequestReads, RequestReadsClosedError
from gateway.db.tables import Product
from gateway.runtime import Runtime
from gateway.services.demo import DEMO_APP_ID


@pytest.fixture
def runtime(seeded_runtime: Runtime) -> Runtime:
    return seeded_runtime


@pytest.fixture
def checkouts(runtime: Runtime) -> list[int]:
    box = [0]

    def count(*_args: Any) -> None:
        box[0] += 1

    event.listen(runtime.engine.sync_engine.pool, "checkout", count)
    return box


async def _product_names(reads: RequestReads) -> list[str]:
    async with reads.session() as session:
        rows = await session.exec(select(Product).where(Product.app_id == DEMO_APP_ID))
        return sorted(row.name for row in rows.all())


async def test_a_request_s_reads_share_one_checkout(runtime: Runtime, checkouts: list[int]) -> None:
    async with runtime.sessions() as session:
        expected = sorted(p.name for p in (await session.exec(select(Product))).all())
    before = checkouts[0]
    async with RequestReads(runtime.engine) as reads:
        # Side by side, as the DataLoaders run: they take turns on the one connection.
        answers = await asyncio.gather(*(_product_names(reads) for _ in range(6)))
        assert answers == [expected] * 6
    assert checkouts[0] - before == 1
    assert runtime.engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_no_read_is_taken_without_a_session(runtime: Runtime, checkouts: list[int]) -> None:
    before = checkouts[0]
    async with RequestReads(runtime.engine):
        pass
    assert checkouts[0] == before


async def test_each_read_sees_what_was_committed_before_it(runtime: Runtime) -> None:
    async with RequestReads(runtime.engine) as reads:
        first = await _product_names(reads)
        async with runtime.sessions() as session:  # a mutation's own session, mid-request
            session.add(Product(id="prod_new", app_id=DEMO_APP_ID, name="ZZ New", price=Decimal(1)))
            await session.commit()
        second = await _product_names(reads)
        async with reads.session() as session:
            [row] = await repo.get_many(session, Product, DEMO_APP_ID, ["prod_new"])
    assert "ZZ New" not in first and second == sorted([*first, "ZZ New"])
    assert row is not None and row.price == Decimal("1.00")


async def test_the_connection_goes_back_without_autocommit(runtime: Runtime) -> None:
    async with RequestReads(runtime.engine) as reads:
        await _product_names(reads)
    # The next session on the (likely same) pooled connection is transactional again:
    # what it rolls back is gone.
    async with runtime.sessions() as session:
        session.add(Product(id="prod_gone", app_id=DEMO_APP_ID, name="Gone", price=Decimal(1)))
        await session.flush()
        await session.rollback()
    async with runtime.sessions() as session:
        assert await session.get(Product, "prod_gone") is None


async def test_no_read_after_the_request_ended(runtime: Runtime) -> None:
    reads = RequestReads(runtime.engine)
    await _product_names(reads)
    await reads.close()
    with pytest.raises(RequestReadsClosedError):
        await _product_names(reads)
