"""Operators look up a person, an order, a payment, a shop or a group buy by its
number or a phone, and a shop by (part of) its name.

Lists show phone numbers masked as ``accounts.phones.mask_phone`` does
(+86138****1234); the full number is only on a detail page, and opening a
detail page writes an audit row (who looked at whom, when), because looking at
someone's personal data is itself something to account for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from groupbuy.accounts.models import ApiToken, MerchantMembership, PreviousPhone, User
from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import normalize_phone
from groupbuy.accounts.selectors import api_tokens_for_user
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.selectors import merchant_owners_prefetch
from groupbuy.catalog.selectors.name_search import initials_match, pinyin_match
from groupbuy.core.audit import audit_log
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors import orders_with_paid_fen
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import ErasureRequest

LIST_PAGE_SIZE = 20


def require_operator(user) -> None:
    if not getattr(user, "is_staff", False):
        raise OpsError("forbidden", _("Only operators can look people up."), status=403)


@dataclass(frozen=True)
class LookupResult:
    query: str
    phone: str  # the query as a phone number (E.164), or ""
    users: list[User]
    orders: PageResult
    payments: PageResult
    # each with ``owner_memberships`` (merchant_owners_prefetch)
    merchants: PageResult
    # People who had the phone before they moved their account to another
    # number (each with its ``user`` and ``held_until``), latest first.
    former_holders: list[PreviousPhone] = field(default_factory=list)
    # The group buy whose number the query is (each with its merchant).
    deals: list[Deal] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.users
            or self.former_holders
            or self.deals
            or self.merchants.total
            or self.orders.total
            or self.payments.total
        )


def _erased_at():
    """When the person's account was erased (its completed request), for an
    annotation; None for anyone not erased."""
    completed = ErasureRequest.objects.filter(
        user=OuterRef("pk"), status=ErasureRequest.Status.COMPLETED
    ).order_by("-completed_at")
    return Subquery(completed.values("completed_at")[:1])


def person_erased_at(*, person: User) -> datetime | None:
    """When an erased person's account was erased; None if it is not."""
    if not is_erased(person):
        return None
    completed = ErasureRequest.objects.filter(
        user=person, status=ErasureRequest.Status.COMPLETED
    ).order_by("-completed_at")
    return completed.values_list("completed_at", flat=True).first()


def person_previous_phones(*, person: User) -> list[PreviousPhone]:
    """The numbers the person's account had before, latest first."""
    return list(person.previous_phones.order_by("-held_until", "-pk"))


@dataclass(frozen=True)
class PersonTokens:
    """A person's API tokens as support sees them: the newest (live or not,
    never a secret), how many there are and how many still work."""

    newest: list[ApiToken]
    total: int
    live: int


def person_api_tokens(*, person: User, limit: int = 20) -> PersonTokens:
    """Return the person's newest ``limit`` tokens and the counts (an app
    signed in every day makes a token a day: the page and the API show the
    newest)."""
    tokens = api_tokens_for_user(user=person, include_inactive=True)
    return PersonTokens(
        newest=list(tokens[:limit]),
        total=tokens.count(),
        live=api_tokens_for_user(user=person).count(),
    )


def _as_phone(query: str) -> str:
    if not any(character.isdigit() for character in query):
        return ""
    try:
        return normalize_phone(query)
    except ValidationError:
        return ""


def operator_lookup(
    *,
    user,
    query: str,
    orders_page: int = 1,
    payments_page: int = 1,
    merchants_page: int = 1,
) -> LookupResult:
    """Find people, orders, payments and merchants whose number or phone is
    ``query``, and merchants whose name holds it (any case). A phone finds the
    person who has it and those who had it before, with their orders,
    payments and the shops they own. People are not paged: a phone or a number
    finds one person (and the few who had the phone before)."""
    require_operator(user)
    query = (query or "").strip()[:60]
    phone = _as_phone(query)
    users = User.objects.none()
    former_holders = PreviousPhone.objects.none()
    orders = DealOrder.objects.none()
    payments = PaymentIntent.objects.none()
    merchants = Merchant.objects.none()
    deals = Deal.objects.none()
    if phone:
        users = User.objects.filter(phone=phone)
        # Someone asking about "their" number may have moved their account to
        # another since: the number finds them too, said to be a previous one.
        former_holders = PreviousPhone.objects.filter(phone=phone).exclude(
            user__phone=phone
        )
        # The lists follow the people found, whichever number found them.
        people = User.objects.filter(
            Q(phone=phone) | Q(previous_phones__phone=phone)
        ).values("pk")
        orders = DealOrder.objects.filter(shopper__in=people)
        payments = PaymentIntent.objects.filter(payer__in=people)
        merchants = Merchant.objects.filter(
            memberships__user__in=people,
            memberships__role=MerchantMembership.Role.OWNER,
        )
    elif query:
        users = User.objects.filter(public_id=query)
        orders = DealOrder.objects.filter(public_id=query)
        payments = PaymentIntent.objects.filter(public_id=query)
        deals = Deal.objects.filter(public_id=query).select_related("merchant")
        merchants = Merchant.objects.filter(
            Q(public_id=query)
            | Q(name__icontains=query)
            | Q(name_en__icontains=query)
            | pinyin_match(query)
            | initials_match(query)
        )
    merchants = merchants.distinct().prefetch_related(merchant_owners_prefetch())
    orders = orders_with_paid_fen(
        orders.select_related("deal", "shopper").order_by("-joined_at", "-id")
    )
    payments = payments.select_related("payer").order_by("-created_at", "-id")
    return LookupResult(
        query=query,
        phone=phone,
        users=list(users.annotate(erased_at=_erased_at())[:LIST_PAGE_SIZE]),
        former_holders=list(
            former_holders.select_related("user").order_by("-held_until", "-pk")[
                :LIST_PAGE_SIZE
            ]
        ),
        deals=list(deals),
        orders=paginate(orders, page=orders_page, page_size=LIST_PAGE_SIZE),
        payments=paginate(payments, page=payments_page, page_size=LIST_PAGE_SIZE),
        merchants=paginate(
            merchants.order_by("-is_active", "name", "pk"),
            page=merchants_page,
            page_size=LIST_PAGE_SIZE,
        ),
    )


@transaction.atomic
def _viewed(*, actor, obj, action: str):
    audit_log(actor=actor, action=action, obj=obj)
    return obj


def _get(queryset, public_id: str, missing: str):
    """Return the row, or a 404 saying what is missing (the API's answer: a
    bare "Not found." left a caller guessing at the route or the number)."""
    try:
        return queryset.get(public_id=public_id)
    except queryset.model.DoesNotExist:
        raise OpsError("not_found", missing, status=404) from None


def operator_user_view(*, user, user_id: str) -> User:
    """Return a person for an operator's detail page, recording the look."""
    require_operator(user)
    person = _get(User.objects.all(), user_id, _("There is no such person."))
    return _viewed(actor=user, obj=person, action="ops.lookup.user_viewed")


def operator_order_view(*, user, order_id: str) -> DealOrder:
    """Return an order for an operator's detail page, recording the look."""
    require_operator(user)
    queryset = DealOrder.objects.select_related(
        "deal", "deal__merchant", "shopper", "payment_intent"
    )
    order = _get(queryset, order_id, _("There is no such order."))
    return _viewed(actor=user, obj=order, action="ops.lookup.order_viewed")


def operator_payment_view(*, user, payment_id: str) -> PaymentIntent:
    """Return a payment for an operator's detail page, recording the look."""
    require_operator(user)
    payment = _get(
        PaymentIntent.objects.select_related("payer"),
        payment_id,
        _("There is no such payment."),
    )
    return _viewed(actor=user, obj=payment, action="ops.lookup.payment_viewed")


def person_recent_orders(
    *, person: User, page: int = 1, page_size: int = LIST_PAGE_SIZE
) -> PageResult:
    """Return a page of ``person``'s orders, newest first, each with its deal."""
    orders = orders_with_paid_fen(
        DealOrder.objects.filter(shopper=person).select_related("deal", "shopper")
    )
    return paginate(
        orders.order_by("-joined_at", "-id"), page=page, page_size=page_size
    )


def payment_order_id(*, payment: PaymentIntent) -> str | None:
    """Return the number of the group-buy order ``payment`` paid, if it paid one
    (another app's payment, a demand's deposit or a team place, pays none)."""
    return (
        DealOrder.objects.filter(payment_intent=payment)
        .values_list("public_id", flat=True)
        .first()
    )


def payment_refunds(*, payment: PaymentIntent) -> list[Refund]:
    return list(Refund.objects.filter(intent=payment).order_by("created_at", "id"))
