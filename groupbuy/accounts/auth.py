"""How API clients prove who they are.

Browsers use the Django session (with CSRF on unsafe methods); other clients send
``Authorization: Bearer gbt_…`` from ``POST /api/auth/token``.
"""

from ninja.security import HttpBearer, SessionAuth

from groupbuy.accounts.services import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Session auth that stays silent (instead of failing CSRF) without a session."""

    def __call__(self, request):
        from django.conf import settings

        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)


api_auth = [BearerTokenAuth(), BrowserSessionAuth()]
