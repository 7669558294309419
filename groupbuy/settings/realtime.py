"""What several processes share: the channel layer, the cache, the job queue."""

import os

from groupbuy.settings.environment import DATA_DIR, env_bool

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds short-lived counters (snap rate limits); on several processes
# they must be shared, so with REDIS_URL it lives in Redis.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "groupbuy",
        }
    }

HUEY_IMMEDIATE = os.environ.get("GROUPBUY_HUEY_IMMEDIATE", "0") == "1"
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("GROUPBUY_HUEY_NAME", "groupbuy"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "groupbuy",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
# Channels' own groups (a channel per socket) instead of realtime's one
# subscription per group per process: only deadline_fanout.py's baseline.
GROUPBUY_FANOUT_PER_SOCKET = env_bool("GROUPBUY_FANOUT_PER_SOCKET")
