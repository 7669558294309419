"""Sending e-mail and SMS."""

import os

from groupbuy.settings.environment import DATA_DIR, env_bool

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "outbox" / "email"
# The SMTP server of EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# (until 2026-12-06 only localhost:25 without a login could be used).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# A hung SMTP server must not outlast a notification worker's claim on a delivery.
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "groupbuy <noreply@groupbuy.localhost>"
)
GROUPBUY_SMS_BACKEND = os.environ.get(
    "GROUPBUY_SMS_BACKEND", "groupbuy.notify.sms.FileOutboxSmsBackend"
)
GROUPBUY_SMS_OUTBOX_DIR = DATA_DIR / "outbox" / "sms"
