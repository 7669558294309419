"""Read first by every part of the settings: where data lives, the mode, secrets."""

import os
from pathlib import Path

from groupbuy.core.demo_secrets import demo_secrets_load_or_create

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("GROUPBUY_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    value = os.environ.get(name)
    return [
        item.strip()
        for item in (default if value is None else value).split(",")
        if item.strip()
    ]


# DEBUG shows Django's technical pages to anyone: never on by default, not even
# in the demo, which runs in its own explicit mode instead.
DEBUG = env_bool("DEBUG")
GROUPBUY_DEMO_MODE = env_bool("GROUPBUY_DEMO_MODE")
# Every secret with the value it has when nobody sets it. groupbuy.core.checks
# refuses these values outside DEBUG and demo mode; demo mode replaces them with
# values generated into the data dir on its first run. Add new secrets here and
# read them with secret("NAME").
GROUPBUY_BUILT_IN_SECRETS = {
    "SECRET_KEY": "dev-only-insecure-key-change-me-in-production",
    "GROUPBUY_SANDBOX_PAYMENT_SECRET": "sandbox-secret-change-me",
}
_DEMO_SECRETS = (
    demo_secrets_load_or_create(DATA_DIR, GROUPBUY_BUILT_IN_SECRETS)
    if GROUPBUY_DEMO_MODE
    else {}
)


def secret(name: str) -> str:
    return (
        os.environ.get(name)
        or _DEMO_SECRETS.get(name)
        or GROUPBUY_BUILT_IN_SECRETS[name]
    )
