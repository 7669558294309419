"""The project's URLconf and the throw-away app's pages, for tests in this
process: ``groupbuy.urls`` was built before a test added the app (the probe,
a process of its own, checks that the project mounts it by itself)."""

from django.urls import include, path

from groupbuy.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("plugin-app/", include("tests.plugin_app.urls")),
    *project_urlpatterns,
]
