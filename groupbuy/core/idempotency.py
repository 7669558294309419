"""One-time keys a client sends so that a request repeated (a retry after a
timeout, a double tap) does what the first did and nothing more.

The API's keys are 16 to 36 letters, digits, ``-`` or ``_``: a UUID fits, and a
key too short to be random is refused. Each app stores its own keys, unique per
person, so the database settles two requests that arrive at once.
"""

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_-]{16,36}$"
