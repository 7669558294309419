import asyncio

from groupbuy.ops.metrics import websocket_connections
from groupbuy.ops.websockets import CountWebSocketConnections


def test_open_connections_are_counted_until_they_end():
    # given: an app that accepts, then waits for the client to leave
    seen_while_open = []
    leave = asyncio.Event()

    async def app(scope, receive, send):
        await send({"type": "websocket.accept"})
        seen_while_open.append(websocket_connections._value.get())
        await leave.wait()

    async def no_receive():
        return {}

    async def ignore(message):
        return None

    async def run():
        start = websocket_connections._value.get()
        task = asyncio.create_task(
            CountWebSocketConnections(app)({"type": "websocket"}, no_receive, ignore)
        )
        await asyncio.sleep(0.01)
        leave.set()
        await task
        return start, websocket_connections._value.get()

    # when
    start, end = asyncio.run(run())

    # then
    assert seen_while_open == [start + 1]
    assert end == start


def test_a_refused_connection_is_not_counted():
    async def app(scope, receive, send):
        await send({"type": "websocket.close", "code": 4403})

    async def ignore(message):
        return None

    start = websocket_connections._value.get()
    asyncio.run(CountWebSocketConnections(app)({"type": "websocket"}, None, ignore))
    assert websocket_connections._value.get() == start
