"""Password rules whose messages come from our catalogs.

Django 5.2's MinimumLengthValidator says "…at least %d characters." while its
bundled zh_Hans catalog still translates the older "…at least %(min_length)d
characters.", so under zh-hans a short password was refused in English. Its
messages here are ours, worded apart from Django's so that our translation (which
addresses the reader as 您, as the site does) is the one shown: Django's catalog
is read before the apps'. Django's other validators configured in
``AUTH_PASSWORD_VALIDATORS`` are translated by it.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Use at least %(min_length)d character.",
            "Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
