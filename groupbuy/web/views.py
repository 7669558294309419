from django.http import HttpResponse


def deal_list(request):
    return HttpResponse("groupbuy")


def login_view(request):
    return HttpResponse("login")
