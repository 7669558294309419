"""The journeys' server's URLs: the site's, and its sign-in without the page.

Only tests/e2e/server_settings.py names this URLconf; groupbuy.settings never
does, so no deployment answers ``/e2e/``. The sign-in is the site's own login
view (the same form, limits, session and device cookie), without the CSRF check
a browser's form passes: a journey that is not about signing in posts to it
from its browser context (``tests.e2e.sign_in``) instead of loading, filling
and submitting the sign-in page.
"""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from groupbuy.urls import urlpatterns as site_urlpatterns
from groupbuy.web.views.auth import login_view

urlpatterns = [path("e2e/sign-in/", csrf_exempt(login_view)), *site_urlpatterns]
