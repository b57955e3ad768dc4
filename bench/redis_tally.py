"""Exact Redis commands on one database number, read from MONITOR while requests run
in-process. INFO commandstats (what the load runs use) is server-wide, so other clients
of the same server add to it; MONITOR names each command's database, so this count does
not. It is used only in-process (it slows the server down, so never under load)."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from types import TracebackType
from typing import Any

from redis.asyncio import Redis


class RedisTally:
    """`async with RedisTally(url) as tally: ...; counts = await tally.take()`."""

    def __init__(self, url: str) -> None:
        self._client: Redis = Redis.from_url(url)
        self._db = int(self._client.connection_pool.connection_kwargs.get("db", 0))
        self._counts: Counter[str] = Counter()
        self._marker = ""
        self._seen = asyncio.Event()
        self._monitor: Any = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RedisTally:
        self._monitor = self._client.monitor()
        await self._monitor.__aenter__()
        self._task = asyncio.create_task(self._read())
        await self.take()  # the monitor is attached once it sees its own marker
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._task is not None:
            self._task.cancel()
        await self._monitor.__aexit__(kind, exc, tb)
        await self._client.aclose()

    async def _read(self) -> None:
        async for info in self._monitor.listen():
            if info["db"] != self._db:
                continue
            words = info["command"].split(" ", 2)
            name = words[0].lower()
            if name == "echo" and self._marker and self._marker in info["command"]:
                self._seen.set()
                continue
            self._counts[f"lua:{name}" if info["client_type"] == "lua" else name] += 1

    async def take(self) -> Counter[str]:
        """The commands seen since the last take (top level, and `lua:` inside scripts)."""
        self._marker = f"bench-tally-{secrets.token_hex(4)}"
        self._seen.clear()
        await self._client.echo(self._marker)
        await asyncio.wait_for(self._seen.wait(), timeout=10)
        counts, self._counts = self._counts, Counter()
        return counts
