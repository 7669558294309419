# How long a journey's step (a click's navigation, a selector, a fill) may take
# before it fails. Steps take well under a second on an idle machine; CI runs
# the journeys beside two other suites on two cores, where a page after a form
# once took longer than the 15 s this was, so a slow step is not a failure.
STEP_TIMEOUT_MS = 30_000
