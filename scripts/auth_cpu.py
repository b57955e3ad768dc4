"""CPU per request of the guard's work: authenticate + check_rate_limit.

Runs both, sequentially, CALLS times against a migrated database seeded with the demo
app and a Redis, and prints the process CPU time (time.process_time) per call, also
for each step alone. The database and Redis are the caller's: use throwaway ones (the
database is migrated and seeded here; Redis keys of the demo client are written).

    PYTHONPATH=. python scripts/auth_cpu.py \
        postgresql+asyncpg://postgres@127.0.0.1:5432/scratch redis://127.0.0.1:6379/0 [CALLS]

The rate limit is raised so that no call is refused.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from gateway.db.migrate import upgrade
from gateway.runtime import Runtime
from gateway.services.access import Caller, authenticate, check_rate_limit
from gateway.services.demo import DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET, seed_demo
from gateway.settings import Settings


async def _cpu_per_call(calls: int, step: Callable[[], Awaitable[object]]) -> float:
    for _ in range(min(200, calls)):  # warm-up: pools, statement caches, scripts
        await step()
    start = time.process_time()
    for _ in range(calls):
        await step()
    return (time.process_time() - start) / calls * 1e6


async def measure(settings: Settings, calls: int) -> None:
    runtime = Runtime.open(settings)
    try:
        await seed_demo(runtime)
        caller = Caller("", "", DEMO_CLIENT_KEY)

        async def auth() -> Caller:
            return await authenticate(runtime, DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET)

        async def limit() -> object:
            return await check_rate_limit(runtime, caller)

        async def both() -> object:
            return await check_rate_limit(runtime, await auth())

        for name, step in (("authenticate", auth), ("check_rate_limit", limit), ("both", both)):
            print(f"{name:18} {await _cpu_per_call(calls, step):8.1f} us CPU per call")
    finally:
        await runtime.close()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    env = {"DATABASE_URL": sys.argv[1], "REDIS_URL": sys.argv[2], "LOG_LEVEL": "error"}
    settings = replace(Settings.from_env(env), rate_limit_per_minute=10_000_000)
    upgrade(settings.database_url, pool=settings.database_pool)
    asyncio.run(measure(settings, int(sys.argv[3]) if len(sys.argv) > 3 else 3000))
