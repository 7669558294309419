"""An operator's page of a buyer demand, at /operator/demands/: cancel it, or
withdraw one shop's offer on it (linked from the demand's page for operators)."""

from django.urls import path

from groupbuy.demands.views import operator

app_name = "demands_operator"

urlpatterns = [
    path("<str:demand_id>/", operator.operator_demand, name="detail"),
    path("<str:demand_id>/cancel/", operator.operator_demand_cancel, name="cancel"),
    path(
        "offers/<str:offer_id>/withdraw/",
        operator.operator_offer_withdraw,
        name="offer_withdraw",
    ),
]
