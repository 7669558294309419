"""A throw-away app that plugs into the project through groupbuy_app.py alone.

The tests add it to INSTALLED_APPS (tests.plugin_app.settings, or an override)
and check that its API, page, tab, socket, command, demo data and notification
kind all appear without an edit to any of the project's files.
"""
