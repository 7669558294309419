from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401
