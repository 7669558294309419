"""The catalog in the project: products, merchants and branches over the API."""

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(
    api_routers={"catalog": "groupbuy.catalog.api:router"},
    # Fresh produce with photos for `groupbuy demo` (catalog/demo.py).
    demo_data="groupbuy.catalog.demo:load_demo_data",
)
