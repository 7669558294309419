"""The catalog in the project: products, merchants and branches over the API."""

from groupbuy.core.plugins import GroupbuyApp

app = GroupbuyApp(api_routers={"catalog": "groupbuy.catalog.api:router"})
