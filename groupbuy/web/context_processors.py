from django.conf import settings


def site(request):
    return {"site_name": settings.GROUPBUY_SITE_NAME}
