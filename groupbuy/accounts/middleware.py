from django.conf import settings
from django.utils import translation


def activate_user_language(request, user) -> None:
    """Speak ``user``'s saved language for the rest of ``request``, over the
    browser's Accept-Language, unless they just switched language with the
    language cookie (LocaleMiddleware then already chose it)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or not user.preferred_language:
        return
    translation.activate(user.preferred_language)
    request.LANGUAGE_CODE = translation.get_language()


class UserLanguageMiddleware:
    """Use a signed-in person's saved language unless they just switched it.

    It sees the session's user only: an API token's user is known once Ninja
    authenticates the request, which then does the same (accounts.auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_user_language(request, user)
        return self.get_response(request)
