"""How API clients prove who they are.

Browsers use the Django session (with CSRF on unsafe methods); other clients send
``Authorization: Bearer gbt_…`` from ``POST /api/auth/token``.
"""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from groupbuy.accounts.middleware import activate_user_language
from groupbuy.accounts.services import api_token_authenticate
from groupbuy.core.errors import Forbidden


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
            # What a token may not do (accounts.reauth) asks this, not the
            # header: a bad token beside a good session cookie is a session.
            request.signed_by_api_token = True
            # The middlewares saw no one: from here on (the handler, its
            # refusals, the 422s of the input read after authentication)
            # answer in the person's saved language, as the web does.
            activate_user_language(request, user)
        return user


class BrowserSessionAuth(SessionAuth):
    """Session auth that stays silent (instead of failing CSRF) without a session."""

    def __call__(self, request):
        from django.conf import settings

        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)

    def _get_key(self, request):
        # Ninja's own refusal is an untranslated "CSRF check Failed" with the
        # generic code "error"; say what happened, in the person's language.
        checked = self.csrf and not getattr(request, "_ninja_csrf_exempt", False)
        if checked and check_csrf(request) is not None:
            raise Forbidden(
                "csrf_failed",
                _(
                    "This request from a signed-in browser came without its "
                    "CSRF token. Reload the page and try again."
                ),
            )
        return request.COOKIES.get(self.param_name)


api_auth = [BearerTokenAuth(), BrowserSessionAuth()]


def _anonymous(request):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# The OpenAPI document says so: a token or a session is one way in, none
# another (the API adds an empty security requirement where this is allowed).
_anonymous.openapi_optional = True


# For endpoints anyone may call but signed-in people see more of: callers with a
# token or session are recognised, everyone else passes as AnonymousUser instead of
# getting a 401.
optional_auth = [*api_auth, _anonymous]


def caller(request):
    """Return the signed-in user or AnonymousUser, for handlers with optional_auth."""
    from django.contrib.auth.models import AnonymousUser

    return request.auth if request.auth is not None else AnonymousUser()
