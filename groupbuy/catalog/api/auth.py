"""Authentication for catalog reads that anyone may make but staff see more of."""

from django.contrib.auth.models import AnonymousUser

from groupbuy.accounts.auth import api_auth


def _anonymous(request):
    return AnonymousUser()


# Signed-in callers are recognised (bearer token or session); everyone else is
# let through as anonymous instead of getting a 401.
optional_auth = [*api_auth, _anonymous]


def caller(request):
    """Return the signed-in user or AnonymousUser, for handlers with optional_auth."""
    return request.auth if request.auth is not None else AnonymousUser()
