"""The payouts page's chart: what reached the shop's account a week (or a
month) at a time over the period its owner chooses, drawn as the money page
draws its balance (``web.charts``), the figures in a table under it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.core.errors import DomainError
from groupbuy.payments.selectors import (
    WEEK,
    PaidOverTime,
    payouts_chart_period,
    payouts_paid_over_time,
)
from groupbuy.web.charts import Chart, Series
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_merchant import DateRangeForm


def payouts_chart(paid: PaidOverTime) -> Chart:
    """A bar per week (labelled by its first day in the period) or month."""
    weekly = paid.unit == WEEK
    return Chart(
        title=_("Paid out per week") if weekly else _("Paid out per month"),
        labels=[
            period.start.strftime("%m-%d" if weekly else "%Y-%m")
            for period in paid.periods
        ],
        series=[Series(_("Paid out"), [period.amount_fen for period in paid.periods])],
        kind="bar",
        money=True,
        label_heading=_("Week from") if weekly else _("Month"),
        dom_id="payouts-chart",
    )


def payouts_chart_for_page(
    query, *, user, merchant
) -> tuple[DateRangeForm, PaidOverTime | None]:
    """The period form as the page shows it and the period's payouts; a
    period that cannot be read is said on its field, with no figures."""
    form = DateRangeForm(query)
    if not form.is_valid():
        return form, None
    try:
        date_from, date_to = payouts_chart_period(
            form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        )
    except DomainError as refusal:
        add_domain_error(form, refusal)
        return form, None
    paid = payouts_paid_over_time(
        user=user, merchant=merchant, date_from=date_from, date_to=date_to
    )
    return DateRangeForm(initial={"date_from": date_from, "date_to": date_to}), paid
