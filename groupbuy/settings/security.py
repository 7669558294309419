"""Secrets, hosts, HTTPS and the content security policy: what keeps the
production site safe."""

import os

from groupbuy.settings.environment import (
    DEBUG,
    GROUPBUY_DEMO_MODE,
    env_bool,
    env_list,
    secret,
)

# DEBUG, the demo mode and the built-in secrets: groupbuy.settings.environment.
SECRET_KEY = secret("SECRET_KEY")
# Earlier SECRET_KEYs (comma separated), still accepted while a rotation rolls
# out: sessions, signed links and the coupon platform key's seal keep working
# (docs/deployment.md, "Rotating secrets").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# System checks to keep quiet, e.g. groupbuy.W001 where another process sends
# the SMS outbox's files on (docs/deployment.md).
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")
_IS_LOCAL = DEBUG or GROUPBUY_DEMO_MODE
# Empty in production until set: the checks stop the server rather than guess.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if _IS_LOCAL else "")
# The address people reach the site at: links in e-mails and SMS, CSRF origin.
GROUPBUY_PUBLIC_URL_DEFAULT = "http://127.0.0.1:8000"
GROUPBUY_PUBLIC_URL = os.environ.get("GROUPBUY_PUBLIC_URL", GROUPBUY_PUBLIC_URL_DEFAULT)
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "" if _IS_LOCAL else GROUPBUY_PUBLIC_URL.rstrip("/")
)
# Behind a TLS-terminating proxy (docs/deployment.md): secure cookies, redirect
# plain HTTP to HTTPS (but the load balancer's health check), trust the proxy's
# X-Forwarded-Proto, and HSTS when its lifetime is set.
GROUPBUY_HTTPS = env_bool("GROUPBUY_HTTPS", default=not _IS_LOCAL)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = GROUPBUY_HTTPS
SECURE_SSL_REDIRECT = GROUPBUY_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if GROUPBUY_HTTPS else None
)
SECURE_HSTS_SECONDS = int(os.environ.get("GROUPBUY_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GROUPBUY_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("GROUPBUY_HSTS_PRELOAD")

# --- Content Security Policy ----------------------------------------------------
# Scripts only from our own static files (the barcode reader compiles its
# WebAssembly); styles may be inline (progress bars' widths, htmx's indicator).
# Images and media also from blob: (the camera's snapshot, a recorded voice note)
# and, with media on S3, from https:. The admin and the API's Swagger page run
# inline scripts of their own and are left out. No form-action: a payment form
# is redirected to the provider's pay page.
_WEBSOCKET_ORIGIN = GROUPBUY_PUBLIC_URL.rstrip("/").replace("http", "ws", 1)
_REMOTE_MEDIA = ["https:"] if os.environ.get("GROUPBUY_S3_BUCKET") else []
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_REMOTE_MEDIA],
        "media-src": ["'self'", "blob:", *_REMOTE_MEDIA],
        "connect-src": ["'self'", _WEBSOCKET_ORIGIN],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
