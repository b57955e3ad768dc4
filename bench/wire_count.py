"""Statements on the wire: a counting TCP proxy between one server and PostgreSQL.

Every byte is passed on unchanged; the client's side of each connection is read as the
PostgreSQL frontend protocol (a startup packet, then messages of one type byte and a
length) and each message type is counted. 'Q' is a simple query (one or more statements
in one string: the text a driver sends for BEGIN, ROLLBACK or a pool's ping), 'E' an
execute of the extended protocol (one prepared statement run); 'P' parses show how often
a statement was prepared. An SSLRequest or GSSENCRequest is answered 'N' by the proxy
itself, so the session stays readable.

It is used only for a counting phase, never while a timed run is going: the proxy adds
a hop and CPU of its own. `WireCounter` runs it in a thread of the calling process.
"""

from __future__ import annotations

import asyncio
import struct
import threading
from collections import Counter

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
WIRE_SAMPLE = 20  # requests per count


class WireCounter:
    """`with WireCounter(host, port) as proxy:` point a server at proxy.port, then
    `proxy.reset()` ... `proxy.counts()`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="wire-count", daemon=True)

    def __enter__(self) -> WireCounter:
        self._thread.start()
        if not self._ready.wait(timeout=10):
            raise RuntimeError("the counting proxy did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def reset(self) -> None:
        with self._lock:
            self._counts = Counter()

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self._counts)

    def _count(self, kind: str) -> None:
        with self._lock:
            self._counts[kind] += 1

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()
            server.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        down = asyncio.create_task(_pipe(up_reader, writer))
        try:
            await self._frontend(reader, writer, up_writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            up_writer.close()
            down.cancel()
            writer.close()

    async def _frontend(
        self,
        reader: asyncio.StreamReader,
        client: asyncio.StreamWriter,
        server: asyncio.StreamWriter,
    ) -> None:
        while True:  # startup phase: untyped packets, length first
            head = await reader.readexactly(8)
            length, code = struct.unpack("!ii", head)
            rest = await reader.readexactly(length - 8)
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                client.write(b"N")  # no encryption: the proxy must read the messages
                await client.drain()
                continue
            server.write(head + rest)
            await server.drain()
            break
        while True:
            head = await reader.readexactly(5)
            kind, length = head[:1].decode("latin-1"), struct.unpack("!i", head[1:])[0]
            body = await reader.readexactly(length - 4)
            self._count(kind)
            server.write(head + body)
            await server.drain()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()
