"""The capabilities' settings: snap, accounts' codes and tokens, request limits,
hot paths."""

import os

# --- Site ----------------------------------------------------------------------
# Rows a list shows a page (pages, and the API when no page_size is asked for;
# the API's document shows the value its process started with). Tests set
# fewer, so that a second page needs few rows.
GROUPBUY_PAGE_SIZE = int(os.environ.get("GROUPBUY_PAGE_SIZE", "20"))
# Messages a pool's or contact's chat shows at first and per "Earlier messages"
# (and the API's when no limit is asked for), likewise.
GROUPBUY_CHAT_PAGE_SIZE = int(os.environ.get("GROUPBUY_CHAT_PAGE_SIZE", "50"))
# The name people read in the header, SMS, e-mails and the home-screen icon.
GROUPBUY_SITE_NAME = os.environ.get("GROUPBUY_SITE_NAME", "").strip() or "groupbuy"
# Where the More page's "Source code" link leads (AGPL-3.0 section 13). Empty: a
# tarball of the code this process runs, served by the site itself.
GROUPBUY_SOURCE_URL = os.environ.get("GROUPBUY_SOURCE_URL", "")
# Keyed hashes of phone numbers and emails of people invited before they signed
# up (default: SECRET_KEY); and how long an unclaimed invitation is kept.
GROUPBUY_CONTACT_HASH_KEY = os.environ.get("GROUPBUY_CONTACT_HASH_KEY", "")
GROUPBUY_INVITATION_RETENTION_DAYS = int(
    os.environ.get("GROUPBUY_INVITATION_RETENTION_DAYS", "90")
)
# Invitation texts (or e-mails) one number (or address) gets in any 24 hours,
# whoever sends them; the rest wait unsent for whoever signs up with it.
GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY = int(
    os.environ.get("GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY", "3")
)
# How long an owner's invitation to join a merchant's staff waits for an answer.
GROUPBUY_STAFF_INVITATION_DAYS = int(
    os.environ.get("GROUPBUY_STAFF_INVITATION_DAYS", "14")
)
# The one-machine install's file outboxes (a file per text or e-mail, for
# another process to send on) delete what is older than this: numbers, codes.
GROUPBUY_OUTBOX_RETENTION_DAYS = int(
    os.environ.get("GROUPBUY_OUTBOX_RETENTION_DAYS", "7")
)
# The API's default authentication (a Ninja auth callable or list of them).
GROUPBUY_API_AUTH = "groupbuy.accounts.auth.api_auth"
# --- Snap to deal ---------------------------------------------------------------
# Distinct requesters before operators are prompted (per-category
# overrides live on Category.demand_threshold).
GROUPBUY_DEMAND_THRESHOLD = int(os.environ.get("GROUPBUY_DEMAND_THRESHOLD", "5"))
# Uploaded snap photos are deleted after this many days.
GROUPBUY_SNAP_PHOTO_RETENTION_DAYS = int(
    os.environ.get("GROUPBUY_SNAP_PHOTO_RETENTION_DAYS", "30")
)
# Snaps a minute before 429: per signed-in person, and per anonymous address.
GROUPBUY_SNAP_SNAPS_PER_MINUTE = int(
    os.environ.get("GROUPBUY_SNAP_SNAPS_PER_MINUTE", "30")
)
GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE = int(
    os.environ.get("GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE", "10")
)
GROUPBUY_SNAP_MAX_PIXELS = 40_000_000
# A recognised product counts as demand at once only when its calibrated
# confidence (estimated precision) reaches this; below it the shopper confirms.
GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION = float(
    os.environ.get("GROUPBUY_SNAP_COUNT_AT_ONCE_PRECISION", "0.99")
)

# --- Accounts: client addresses, phone codes, API tokens ------------------------
# Owned by the accounts app (docs/deployment.md, "Client addresses behind a proxy";
# docs/api.md, "Sign-up, passwords and tokens").
# Reverse proxies whose X-Forwarded-For is believed: comma-separated addresses or
# networks (e.g. "127.0.0.1,10.0.0.0/8"). Empty: the peer address is the client.
GROUPBUY_TRUSTED_PROXIES = [
    entry.strip()
    for entry in os.environ.get("GROUPBUY_TRUSTED_PROXIES", "").split(",")
    if entry.strip()
]
# One-time SMS codes (sign-up, password reset and change).
GROUPBUY_PHONE_CODE_TTL_MINUTES = int(
    os.environ.get("GROUPBUY_PHONE_CODE_TTL_MINUTES", "10")
)
GROUPBUY_PHONE_CODE_MAX_ATTEMPTS = int(
    os.environ.get("GROUPBUY_PHONE_CODE_MAX_ATTEMPTS", "5")
)
GROUPBUY_PHONE_CODE_RESEND_SECONDS = int(
    os.environ.get("GROUPBUY_PHONE_CODE_RESEND_SECONDS", "60")
)
GROUPBUY_PHONE_CODES_PER_NUMBER_PER_HOUR = int(
    os.environ.get("GROUPBUY_PHONE_CODES_PER_NUMBER_PER_HOUR", "5")
)
GROUPBUY_PHONE_CODES_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("GROUPBUY_PHONE_CODES_PER_ADDRESS_PER_HOUR", "20")
)
# Wrong passwords typed to confirm a change (moving the account to another
# number) per person within the minutes below, before that confirmation is
# refused (right password included) until the oldest counted one is older. Its
# own count: it never locks the person's login (GROUPBUY_LOGIN_FAILURE_LIMIT).
GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = int(
    os.environ.get("GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT", "5")
)
GROUPBUY_PASSWORD_CONFIRM_COOLOFF_MINUTES = int(
    os.environ.get("GROUPBUY_PASSWORD_CONFIRM_COOLOFF_MINUTES", "15")
)
# After a signed-in person types their password again, for this many minutes
# their session may do what needs it (create an API token, change where a
# shop's payouts go) without asking again; API tokens never may.
GROUPBUY_REAUTH_WINDOW_MINUTES = int(
    os.environ.get("GROUPBUY_REAUTH_WINDOW_MINUTES", "10")
)
# API tokens expire after this many days unless their owner picks fewer.
GROUPBUY_API_TOKEN_DAYS = int(os.environ.get("GROUPBUY_API_TOKEN_DAYS", "90"))
# --- Request size limits, recognition capacity ----------------------------------
# Bodies over these limits get 413 while they stream in, before anything is
# stored (groupbuy.core.body_limits, an ASGI wrapper in front of Django).
_MB = 1024 * 1024
GROUPBUY_SNAP_MAX_UPLOAD_BYTES = int(
    os.environ.get("GROUPBUY_SNAP_MAX_UPLOAD_BYTES", str(10 * _MB))
)
GROUPBUY_PRODUCT_PHOTO_MAX_BYTES = int(
    os.environ.get("GROUPBUY_PRODUCT_PHOTO_MAX_BYTES", str(10 * _MB))
)
# A shop's catalogue file (catalog.catalogue): its size, its rows, and the rows
# above which its preview and import run as a job with progress shown.
GROUPBUY_CATALOG_IMPORT_MAX_BYTES = int(
    os.environ.get("GROUPBUY_CATALOG_IMPORT_MAX_BYTES", str(2 * _MB))
)
GROUPBUY_CATALOG_IMPORT_MAX_ROWS = int(
    os.environ.get("GROUPBUY_CATALOG_IMPORT_MAX_ROWS", "5000")
)
GROUPBUY_CATALOG_IMPORT_JOB_ROWS = int(
    os.environ.get("GROUPBUY_CATALOG_IMPORT_JOB_ROWS", "500")
)
# Every other request: JSON bodies, forms.
GROUPBUY_REQUEST_MAX_BYTES = int(
    os.environ.get("GROUPBUY_REQUEST_MAX_BYTES", str(1 * _MB))
)
# Django keeps a body and its uploaded files in memory up to this size, and only
# bodies the wrapper let through reach it: nothing is spooled to /tmp.
FILE_UPLOAD_MAX_MEMORY_SIZE = (
    max(GROUPBUY_SNAP_MAX_UPLOAD_BYTES, GROUPBUY_PRODUCT_PHOTO_MAX_BYTES) + _MB
)
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE
# Photos decoded and recognised at once per server process; more snaps wait in
# a queue of this length for at most this long, and beyond it get 503 with
# Retry-After (groupbuy.snap.capacity). Memory grows with the slots.
GROUPBUY_SNAP_RECOGNITION_SLOTS = int(
    os.environ.get("GROUPBUY_SNAP_RECOGNITION_SLOTS", "2")
)
GROUPBUY_SNAP_RECOGNITION_QUEUE = int(
    os.environ.get("GROUPBUY_SNAP_RECOGNITION_QUEUE", "16")
)
GROUPBUY_SNAP_RECOGNITION_WAIT_SECONDS = float(
    os.environ.get("GROUPBUY_SNAP_RECOGNITION_WAIT_SECONDS", "30")
)
GROUPBUY_SNAP_RETRY_AFTER_SECONDS = 5
# glibc malloc arenas per process (0: glibc's default of 8 per core); few arenas
# keep memory from ballooning after bursts of parallel recognitions.
GROUPBUY_MALLOC_ARENA_MAX = int(os.environ.get("GROUPBUY_MALLOC_ARENA_MAX", "2"))

# --- Hot paths -------------------------------------------------------------------
# A deal's watchers get at most this many progress pushes a second (0: one per
# change), and each platform-wide ledger account spreads its balance over this
# many rows (docs/architecture.md, "Hot accounts and progress pushes").
GROUPBUY_PROGRESS_PUSHES_PER_SECOND = float(
    os.environ.get("GROUPBUY_PROGRESS_PUSHES_PER_SECOND", "4")
)
GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS = int(
    os.environ.get("GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS", "256")
)
# Benchmarks only: where a join records how long it held its deal's row lock.
GROUPBUY_LOCK_TIMING_FILE = os.environ.get("GROUPBUY_LOCK_TIMING_FILE", "")
