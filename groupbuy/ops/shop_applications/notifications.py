"""What the operators and the applicant are told (queued; sent on commit)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from groupbuy.catalog.selectors import merchant_name_lazy
from groupbuy.notify.services import notification_enqueue
from groupbuy.ops.models import ShopApplication

SUBMITTED_KIND = "ops.shop_application.submitted"
APPROVED_KIND = "ops.shop_application.approved"
DECLINED_KIND = "ops.shop_application.declined"


def tell_operators(application: ShopApplication) -> None:
    operators = get_user_model().objects.filter(is_staff=True, is_active=True)
    url = reverse("ops:operator_shop_application", args=[application.public_id])
    for operator in operators.order_by("pk"):
        notification_enqueue(
            recipient=operator,
            kind=SUBMITTED_KIND,
            title=gettext_lazy("A new shop wants to open"),
            body=format_lazy(
                gettext_lazy("{name} applied to open a shop: approve or decline it."),
                name=application.name,
            ),
            url=url,
            data={"application": application.public_id},
            idempotency_key=f"{SUBMITTED_KIND}:{application.public_id}:"
            f"{operator.public_id}",
        )


def tell_applicant_approved(application: ShopApplication, *, merchant) -> None:
    notification_enqueue(
        recipient=application.applicant,
        kind=APPROVED_KIND,
        title=gettext_lazy("Your shop is open on groupbuy"),
        body=format_lazy(
            gettext_lazy(
                "Your application is approved: you own {merchant}. Open its "
                "console to add what you sell."
            ),
            merchant=merchant_name_lazy(merchant),
        ),
        url=reverse("web:merchant_dashboard", args=[merchant.public_id]),
        data={"application": application.public_id},
        idempotency_key=f"{APPROVED_KIND}:{application.public_id}",
    )


def tell_applicant_declined(application: ShopApplication, *, reason: str) -> None:
    notification_enqueue(
        recipient=application.applicant,
        kind=DECLINED_KIND,
        title=gettext_lazy("Your shop application was declined"),
        body=format_lazy(
            gettext_lazy("{name} was not approved: {reason}"),
            name=application.name,
            reason=reason,
        ),
        url=reverse("ops:shop_application", args=[application.public_id]),
        data={"application": application.public_id},
        idempotency_key=f"{DECLINED_KIND}:{application.public_id}",
    )
