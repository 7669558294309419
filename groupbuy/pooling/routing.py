from django.urls import path

from groupbuy.pooling.consumers import PoolConsumer

websocket_urlpatterns = [path("ws/pools/<str:pool_id>/", PoolConsumer.as_asgi())]
