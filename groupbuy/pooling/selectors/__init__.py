"""Reads of pooled orders, and getters that check who may see what
(``figures``: what a merchant sees of pooling at their shops; ``invitations``:
whom to invite from shopping histories; ``contacts``: who is buying a product,
and contact requests)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db.models import (
    Case,
    CharField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased
from groupbuy.catalog import selectors as catalog_selectors
from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.pooling import savings
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import (
    CartReport,
    ChatMessage,
    Pool,
    PoolMember,
    PoolRequest,
    Promotion,
)
from groupbuy.pooling.selectors.common import (
    CHAT_PAGE,
    chat_author_key,
    chat_marked_mine,
    chat_page,
    not_found,
)
from groupbuy.pooling.selectors.contacts import (
    buyer_rows,
    buyers_of_product,
    cart_get_discoverable,
    contact_author_label,
    contact_chat_history,
    contact_get_for_user,
    contact_row,
    contacts_for_user,
)
from groupbuy.pooling.selectors.requests import request_get_with_pool_for_user
from groupbuy.realtime.language import in_each_language


def merchant_get(*, merchant_id: str) -> Merchant:
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise PoolingError("not_found", _("No such merchant."), status=404)
    return merchant


def branch_get(*, branch_id: str) -> Branch:
    branch = (
        Branch.objects.select_related("merchant")
        .filter(public_id=branch_id, is_active=True)
        .first()
    )
    if branch is None:
        raise not_found()
    return branch


def promotion_get(*, promotion_id: str) -> Promotion:
    promotion = (
        Promotion.objects.select_related("merchant", "branch")
        .filter(public_id=promotion_id)
        .first()
    )
    if promotion is None:
        raise not_found()
    return promotion


def promotion_saving_quote(*, promotion: Promotion, lines, now=None) -> dict:
    """Return what a basket of ``lines`` counts and saves under ``promotion`` at
    ``now``; refused (409) when it is not running then, as asking to pool for it
    is: a promotion over (or not yet begun) saves nothing at the till."""
    if not promotion.is_running(now):
        raise PoolingError(
            "promotion_not_running", _("This promotion is not running."), status=409
        )
    rules = promotion.rules()
    return {
        "eligible_fen": savings.eligible_fen(rules, lines),
        "saving_fen": savings.basket_saving(rules, lines),
    }


def promotions_at_branch(*, branch: Branch, now=None) -> list[Promotion]:
    now = now or timezone.now()
    return list(
        Promotion.objects.filter(
            Q(branch=branch) | Q(branch__isnull=True, merchant_id=branch.merchant_id),
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .select_related("merchant", "branch")
        .prefetch_related("products")
        .order_by("pk")  # in the order they were published
    )


def branches_with_promotions(*, now=None) -> QuerySet[Branch]:
    """Return the open branches where a promotion runs, by shop and name (a
    QuerySet, to paginate)."""
    now = now or timezone.now()
    running = Promotion.objects.filter(starts_at__lte=now, ends_at__gt=now)
    return (
        Branch.objects.filter(is_active=True)
        .filter(
            Q(promotions__in=running)
            | Q(merchant__promotions__in=running.filter(branch__isnull=True))
        )
        .select_related("merchant")
        .distinct()
        .order_by("merchant__name", "name", "pk")
    )


def requests_for_user(*, user, still_looking: bool = False):
    """My pool requests, newest first (a QuerySet, to paginate); with
    ``still_looking``, only those open or suggested, each with the public id
    of the pool it was last suggested for (``pool_public_id``), to answer."""
    requests = PoolRequest.objects.filter(user=user)
    if still_looking:
        requests = requests.filter(
            state__in=[PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED]
        ).annotate(
            pool_public_id=Subquery(
                PoolMember.objects.filter(request=OuterRef("pk"))
                .order_by("-id")
                .values("pool__public_id")[:1]
            )
        )
    return requests.select_related("promotion", "branch").order_by("-created_at", "-id")


def products_for_forms(
    *, promotions=(), query: str = "", chosen: str = "", limit: int = 200
) -> tuple[list[Product], bool]:
    """The products a form offers, and whether ``query`` matched any: those the
    promotions are limited to first (a promotion priced on items pools only
    them) and the one ``chosen`` (a public id: a product found by a search stays
    valid when the form is sent), then the catalog's products matching
    ``query``, best first, or without one its first ``limit`` by name."""
    limited = [p.pk for promotion in promotions for p in promotion.products.all()]
    first = Q(pk__in=limited) | Q(public_id=chosen) if chosen else Q(pk__in=limited)
    by_name = _product_name_order()
    listed = list(Product.objects.filter(first, is_active=True).order_by(by_name, "id"))
    seen = {product.pk for product in listed}
    query = " ".join(query.split())
    if query:
        # best first (products_matching's rank), then by the reader's name
        catalog = catalog_selectors.products_matching(query=query).order_by(
            "rank", by_name, "id"
        )
    else:
        catalog = Product.objects.filter(is_active=True).order_by(by_name, "id")
    catalog = list(catalog[:limit])
    offered = [*listed, *(product for product in catalog if product.pk not in seen)]
    return offered, bool(query and catalog)


def _product_name_order():
    """Order products by the name the reader reads (Product.name): the English
    one on English pages where there is one, else the Chinese one. Sorting by
    the Chinese name put "Bananas" (香蕉) after "C100 Lemon Juice Drink"."""
    if (get_language() or "").startswith("en"):
        return Lower(
            Case(
                When(name_en="", then=F("name_zh")),
                default=F("name_en"),
                output_field=CharField(),
            )
        ).asc()
    return F("name_zh").asc()


def request_get_for_user(*, user, request_id: str) -> PoolRequest:
    request = PoolRequest.objects.filter(public_id=request_id, user=user).first()
    if request is None:
        raise not_found()
    return request


def pools_for_user(*, user):
    """The pools I was suggested for, newest first (a QuerySet, to paginate),
    each with my answer (``my_answer``: ``left`` once I left it)."""
    return (
        Pool.objects.filter(members__user=user)
        .annotate(
            my_answer=Subquery(
                PoolMember.objects.filter(pool=OuterRef("pk"), user=user).values(
                    "answer"
                )[:1]
            )
        )
        .select_related("promotion", "branch")
        .order_by("-created_at", "-id")
    )


def pool_get_for_member(*, user, pool_id: str) -> Pool:
    """Return the pool if ``user`` is (or was proposed as) one of its members."""
    pool = (
        Pool.objects.select_related("promotion", "branch", "branch__merchant")
        .filter(public_id=pool_id, members__user=user)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if pool is None:
        raise not_found()
    return pool


def member_label(member: PoolMember) -> str:
    # Members are named by their seat, never by their account.
    return _("Shopper %(seat)s") % {"seat": chr(ord("A") + member.seat_index)}


def _with_seats(pool: Pool) -> list[PoolMember]:
    members = list(pool.members.select_related("user", "request").order_by("id"))
    for index, member in enumerate(members):
        member.seat_index = index
    return members


def _phones_shown(pool: Pool, members) -> bool:
    """Whether every member still in agreed (one who left counts no more)."""
    return pool.state == Pool.State.CONFIRMED and all(
        member.shares_phone
        for member in members
        if member.answer != PoolMember.Answer.LEFT
    )


def member_has_left(*, pool: Pool, user) -> bool:
    """Whether ``user`` left ``pool`` (they still see its page, not its chat)."""
    return pool.members.filter(user=user, answer=PoolMember.Answer.LEFT).exists()


def pool_phones_shown(*, pool: Pool) -> bool:
    """Whether the members see each other's numbers: once every one agreed."""
    return _phones_shown(pool, pool.members.all())


def pool_view(*, pool: Pool, viewer) -> dict:
    """What a member sees of a pool: members by seat ("Shopper B"), the
    others' numbers only once every member agreed (``None`` until then)."""
    members = _with_seats(pool)
    everyone_agreed = _phones_shown(pool, members)
    me = next(member for member in members if member.user_id == viewer.pk)
    Answer = PoolMember.Answer
    return {
        "pool": pool,
        "me": me,
        "me_left": me.answer == Answer.LEFT,
        # a dissolved pool's member whose request went back to matching (they
        # had accepted, or not answered before another declined)
        "still_looking": pool.state == Pool.State.DISSOLVED
        and me.request.state in (PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED),
        # where my request is now: a dissolved pool's page links it (and
        # withdraws it, or opens the pool it was suggested for since)
        "my_request": me.request,
        "my_next_pool_id": _next_pool_id(me.request)
        if pool.state == Pool.State.DISSOLVED
        else None,
        "answered": sum(member.answer != Answer.PENDING for member in members),
        "left": sum(member.answer == Answer.LEFT for member in members),
        # When its promotion is over, when it ended (the till gives the saving
        # only to baskets paid before then); None while it runs.
        "promotion_ended_at": (
            None if pool.promotion.is_running() else pool.promotion.ends_at
        ),
        "phones_shown": everyone_agreed,
        "members": [
            {
                "label": member_label(member),
                "is_me": member.user_id == viewer.pk,
                "amount_fen": member.amount_fen,
                "share_fen": member.share_fen,
                "answer": member.answer,
                "answer_label": member.get_answer_display(),
                "shares_phone": member.shares_phone,
                "phone": _member_phone(
                    member, viewer, everyone_agreed and me.answer != Answer.LEFT
                ),
            }
            for member in members
        ],
    }


def _next_pool_id(request: PoolRequest) -> str | None:
    """The pool a request was suggested for since, while it waits on it."""
    if request.state != PoolRequest.State.SUGGESTED:
        return None
    return (
        PoolMember.objects.filter(request=request)
        .order_by("-id")
        .values_list("pool__public_id", flat=True)
        .first()
    )


def _member_phone(member: PoolMember, viewer, everyone_agreed: bool) -> str | None:
    """A member's number as ``viewer`` may see it: in full once every member
    agreed (and one's own always), otherwise none of it. A masked number
    ("+86138****0002") still gave the network and the last four digits of
    people who had not agreed to anything."""
    if is_erased(member.user):
        return _("Deleted user")
    if member.user_id == viewer.pk:
        return member.user.phone
    if everyone_agreed and member.answer != PoolMember.Answer.LEFT:
        return member.user.phone
    return None


def chat_history(
    *, pool: Pool, before: str | None = None, limit: int = CHAT_PAGE
) -> list[dict]:
    """A pool chat's last messages, or those before ``before``, oldest first."""
    labels = {member.user_id: member_label(member) for member in _with_seats(pool)}
    return chat_page(
        ChatMessage.objects.filter(pool=pool),
        lambda message: labels.get(message.author_id, "?"),
        room=pool,
        before=before,
        limit=limit,
    )


def chat_label_for(*, pool: Pool, user) -> str:
    return _chat_labeller(pool, user)()


def chat_label_in_each_language(*, pool: Pool, user) -> dict:
    """``chat_label_for`` in each of the site's languages, for a live event
    that every member's page shows in its own (``realtime.language``)."""
    return in_each_language(_chat_labeller(pool, user))


def _chat_labeller(pool: Pool, user) -> Callable[[], str]:
    """What names ``user`` in ``pool``'s chat, in the language active when
    called ("?" for one not in it)."""
    member = next((m for m in _with_seats(pool) if m.user_id == user.pk), None)
    if member is None:
        return lambda: "?"
    return lambda: member_label(member)


def carts_for_user(*, user):
    """My cart reports, newest first (a QuerySet, to paginate)."""
    return (
        CartReport.objects.filter(user=user)
        .select_related("branch", "branch__merchant")
        .order_by("-created_at", "-id")
    )


def cart_get_for_user(*, user, cart_id: str) -> CartReport:
    cart = CartReport.objects.filter(public_id=cart_id, user=user).first()
    if cart is None:
        raise not_found()
    return cart


def branches_for_reports(limit: int = 200) -> list[Branch]:
    """The shops a cart can be reported at (the form's choices)."""
    return list(
        Branch.objects.filter(is_active=True, merchant__is_active=True)
        .select_related("merchant")
        .order_by("merchant__name", "name")[:limit]
    )


# The shopping profile describes the shopper's latest this many carts.
PROFILE_REPORTS = 200


def shopping_profile(*, user) -> dict:
    """Where, when and how much a shopper buys (the patent's 个人购物信息): the
    count of every cart reported, and from the latest ``PROFILE_REPORTS`` the
    usual shops, the typical amount and the usual hour, in the site's time
    zone (a shopper's 10 o'clock, not UTC's 2)."""
    all_reports = CartReport.objects.filter(user=user)
    reports = list(all_reports.select_related("branch")[:PROFILE_REPORTS])
    # named in the reader's language, as every other page names a branch
    branches = Counter(report.branch.display_name for report in reports)
    hours = Counter(timezone.localtime(r.window_start_at).hour for r in reports)
    amounts = sorted(report.amount_fen for report in reports)
    counted = len(reports) if len(reports) < PROFILE_REPORTS else all_reports.count()
    return {
        "reports": counted,
        "branches": branches.most_common(3),
        "usual_hour": hours.most_common(1)[0][0] if hours else None,
        "median_amount_fen": amounts[len(amounts) // 2] if amounts else 0,
    }


# Read from the pages, the API and the consumers as selectors.<name>.
__all__ = [
    "CHAT_PAGE",
    "buyer_rows",
    "buyers_of_product",
    "cart_get_discoverable",
    "chat_author_key",
    "chat_marked_mine",
    "contact_author_label",
    "contact_chat_history",
    "contact_get_for_user",
    "contact_row",
    "contacts_for_user",
    "request_get_with_pool_for_user",
]
