#!/usr/bin/env python3
# delay-proxy.py — a TCP forwarder that holds every chunk for a fixed time in each direction,
# so that connections through it see a round trip of twice that time (tc netem is not
# available here). Bytes keep their order; throughput is not limited.
#
#   delay-proxy.py LISTEN_ADDR:PORT TARGET_ADDR:PORT ONE_WAY_MS
#
# Prints "listening" once it accepts connections.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import asyncio
import sys


async def pump(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            await queue.put((loop.time() + delay, data))
            if not data:
                break
        await sender
    except (ConnectionError, asyncio.CancelledError):
        sender.cancel()
    finally:
        writer.close()


async def main():
    listen, target, one_way_ms = sys.argv[1:4]
    listen_host, listen_port = listen.rsplit(":", 1)
    target_host, target_port = target.rsplit(":", 1)
    delay = int(one_way_ms) / 1000

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host,
                                                                         int(target_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, delay),
                             pump(server_reader, client_writer, delay))

    server = await asyncio.start_server(handle, listen_host, int(listen_port))
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: delay-proxy.py LISTEN_ADDR:PORT TARGET_ADDR:PORT ONE_WAY_MS")
    asyncio.run(main())
