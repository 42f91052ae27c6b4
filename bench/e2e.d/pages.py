"""Open pages for the hexaboard_serve receiver of bench/e2e: N event-stream clients of
`hexaboard serve`, each reading `GET /api/events` and throwing it away, in one asyncio loop of a
process of its own (apart from the publishers).

    pages.py HOST PORT N

Prints "ready" once every stream has answered 200 with its headers, then reads until a line
comes on stdin (or stdin closes), and prints one JSON line: how many streams were open, how
many ended early, and the events (`event:` lines) and bytes each received.

The browsers of real pages run elsewhere; here they share the machine with the receiver. So
each stream reads what has come, then waits READ_EVERY before reading again: the server
writes every event as it would to a browser (the socket's buffer holds a few seconds of
them), and the streams' process costs a fraction of what reading each event as it comes
would.
"""

import asyncio
import json
import sys

MARK = b"event:"
READ_EVERY = 0.1


class Page:
    """One event stream, counting what it receives."""

    def __init__(self):
        self.events = 0
        self.bytes = 0
        self.ended_early = False

    async def open(self, host, port):
        self.reader, self.writer = await asyncio.open_connection(host, port)
        self.writer.write(f"GET /api/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0]
        if b" 200 " not in status + b" ":
            raise SystemExit(f"pages: /api/events answered {status.decode(errors='replace')}")

    async def read(self):
        carry = b""
        while True:
            chunk = await self.reader.read(65536)
            if not chunk:
                self.ended_early = True
                return
            self.bytes += len(chunk)
            data = carry + chunk
            self.events += data.count(MARK)
            # A mark cut in two by the read is counted once, in the next round: the bytes kept
            # are too few to hold a whole one.
            carry = data[-(len(MARK) - 1):]
            await asyncio.sleep(READ_EVERY)

    def close(self):
        self.writer.close()


async def main(host, port, n):
    pages = [Page() for _ in range(n)]
    await asyncio.gather(*(p.open(host, port) for p in pages))
    readers = [asyncio.create_task(p.read()) for p in pages]
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for task in readers:
        task.cancel()
    for p in pages:
        p.close()
    events = sorted(p.events for p in pages)
    print(json.dumps({
        "pages": n, "ended_early": sum(p.ended_early for p in pages),
        "events": sum(events), "events_per_page": [events[0], events[len(events) // 2], events[-1]] if events else None,
        "bytes": sum(p.bytes for p in pages),
    }), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
