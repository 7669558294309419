from ninja import Router

router = Router(tags=["plugin_app"])


@router.get("/ping", auth=None)
def ping(request):
    return {"pong": True}
