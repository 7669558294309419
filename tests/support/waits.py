"""How long a test waits on another process before it calls it hung.

These bound waits on a server, a worker, a command or a socket fed by them:
hang detectors, not measures of speed. Each wait ends as soon as the thing
waited for happens, so a long limit costs a working run nothing, and only a
hung one waits it out. They are sized for CI's 2-core machine running three
lanes at once (load ~10, five times slower than alone): on 2026-12-07 a server
there took 23–27 s to start, a worker over 60 s to beat for the first time, and
a payment's job queued as a worker started reached a socket after more than 20 s.

A time the product promises (a countdown's precision, a retry's interval, a
request timeout a setting gives) is not one of these: its test keeps its own.
"""

# A process starting: Python, Django and the apps imported, then listening
# (a server) or taking jobs (a worker).
START_UP_SECONDS = 240.0
# An answer, a message or an exit from a process already running.
HANG_SECONDS = 90.0
