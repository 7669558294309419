"""Static files, media and private media, and the storages that hold them."""

import os

from groupbuy.settings.environment import DATA_DIR, DEBUG

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Files are served from the apps (WHITENOISE_USE_FINDERS): nothing is collected
# here, but whitenoise warned "No directory at: …/static/" at every start of
# every process, which sent operators looking for a collectstatic step.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Many machines: media on S3-compatible storage (pip install 'groupbuy[s3]').
if os.environ.get("GROUPBUY_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["GROUPBUY_S3_BUCKET"],
            "endpoint_url": os.environ.get("GROUPBUY_S3_ENDPOINT_URL") or None,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Private media ---------------------------------------------------------------
# Private media (shoppers' snap photos): stored outside MEDIA_ROOT and served by
# groupbuy.core.private_media only to whom its permission check allows. With
# GROUPBUY_PRIVATE_MEDIA_ACCEL=x-accel-redirect (nginx) or x-sendfile (Apache,
# lighttpd), Django checks and the web server sends the file from
# GROUPBUY_PRIVATE_MEDIA_ACCEL_PREFIX (docs/deployment.md, "Private media").
GROUPBUY_PRIVATE_MEDIA_ROOT = DATA_DIR / "private"
GROUPBUY_PRIVATE_MEDIA_URL = "/private-media/"
GROUPBUY_PRIVATE_MEDIA_ACCEL = os.environ.get("GROUPBUY_PRIVATE_MEDIA_ACCEL", "")
GROUPBUY_PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get(
    "GROUPBUY_PRIVATE_MEDIA_ACCEL_PREFIX", "/_private_media/"
)
STORAGES["private"] = {"BACKEND": "groupbuy.core.private_media.PrivateMediaStorage"}
if os.environ.get("GROUPBUY_S3_BUCKET"):
    # Signed, short-lived URLs, handed out by the same permission-checking view.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": "private"},
    }
