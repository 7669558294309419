"""A test-only app with a job that takes a while (the worker SIGTERM test)."""
