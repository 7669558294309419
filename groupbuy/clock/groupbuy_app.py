"""The clock in the project: the time-sync socket every countdown talks to."""

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    websocket_routes=[("ws/clock/", "groupbuy.clock.consumers:ClockConsumer")],
)
