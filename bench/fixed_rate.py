"""An open-loop HTTP/1.1 client: request i is due at t0 + i / rate whatever the answers'
latency, and its latency counts from that due time, so a stall shows in the percentiles
instead of slowing the client down (no coordinated omission; what wrk2 does, which Debian
does not ship). Up to --connections keep-alive connections carry the requests.

    python -m bench.fixed_rate http://127.0.0.1:8000 template.txt --rate 200 --seconds 8

Prints one line: FIXED_RATE {"requests": ..., "p50_ms": ..., "p99_ms": ..., ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from urllib.parse import urlsplit

KEY = b"@@KEY@@"


def parse_template(text: bytes) -> tuple[bytes, bytes, list[bytes], bytes]:
    head, _, body = text.partition(b"\n\n")
    method, path, *headers = head.split(b"\n")
    return method, path, headers, body


class Requests:
    def __init__(self, template: bytes, host: str, prefix: str) -> None:
        method, path, headers, self.body = parse_template(template)
        lines = [method + b" " + path + b" HTTP/1.1", b"host: " + host.encode(), *headers]
        self.head = b"\r\n".join(lines) + b"\r\n"

    def build(self, key: bytes) -> bytes:
        body = self.body.replace(KEY, key)
        length = b"content-length: %d\r\n\r\n" % len(body) if body else b"\r\n"
        return self.head.replace(KEY, key) + length + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    fields = dict(line.lower().split(b": ", 1) for line in lines[1:] if b": " in line)
    if b"content-length" in fields:
        await reader.readexactly(int(fields[b"content-length"]))
        return status
    while size := int((await reader.readuntil(b"\r\n")).strip(), 16):  # chunked
        await reader.readexactly(size + 2)
    await reader.readuntil(b"\r\n")
    return status


async def run(
    url: str, template: bytes, rate: float, seconds: float, prefix: str, conns: int
) -> dict[str, float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    requests = Requests(template, f"{host}:{port}", prefix)
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    latencies: list[float] = []
    errors = 0

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        while (item := await queue.get()) is not None:
            number, due = item
            writer.write(requests.build(f"{prefix}-{number}".encode()))
            status = await read_response(reader)
            latencies.append(loop.time() - due)
            errors += not 200 <= status < 300
        writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(conns)]
    total = int(rate * seconds)
    start = loop.time() + 0.05
    for number in range(total):
        due = start + number / rate
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        queue.put_nowait((number, due))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = loop.time() - start
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rate": rate,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": 1000 * latencies[-1],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("template")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--prefix", default="fixed", help="idempotency key prefix")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with open(args.template, "rb") as file:
        template = file.read()
    coro = run(args.url, template, args.rate, args.seconds, args.prefix, args.connections)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(coro)
    else:
        result = uvloop.run(coro)
    print("FIXED_RATE " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
