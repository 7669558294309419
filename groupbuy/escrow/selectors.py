"""Reads of payment intents and money, with the permission checks pages need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Sum
from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import require_merchant_money_reader
from groupbuy.core.errors import Forbidden, NotFound
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.core.plugins import ledger_kinds, merchant_ledger_kinds
from groupbuy.escrow.handlers import (
    describer_for,
    earning_describer_for,
    order_describer_for,
)
from groupbuy.escrow.ledger import kind_totals_refresh
from groupbuy.escrow.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerKindTotal,
    PaymentIntent,
)

Kind = LedgerAccount.Kind


# What moves a shopper's held money to a merchant, and back: a shopper has
# spent what these sum to (pending is a coupon deal's charge, settled to the
# merchant as its coupons are redeemed; the returns give unused units back).
SPENDING_KINDS = (
    "escrow.hold.released",
    "escrow.hold.pending",
    "escrow.pending.returned",
    "escrow.released.returned",
)


def ledger_kind_label(kind: str, *, for_merchant: bool = False) -> str:
    """What people read for a ledger transaction's kind (the apps declare them,
    GroupbuyApp.ledger_kinds); the kind itself when none says. ``for_merchant``:
    as a merchant reads it on its own money page (GroupbuyApp.
    merchant_ledger_kinds), where a shopper's "Paid to merchant" is money
    settled to the merchant's balance, not yet paid out to its bank."""
    if for_merchant and kind in (labels := merchant_ledger_kinds()):
        return str(labels[kind])
    return str(ledger_kinds().get(kind, kind))


@dataclass(frozen=True)
class ShopperMoney:
    """A shopper's escrow at a glance.

    paid_in == held + spent + refunded + kept: every fen paid in is still held
    for an open group buy, went to a merchant (less what came back for coupons
    not used), was refunded, or was a deposit kept under a demand's rule.
    """

    held_fen: int
    spent_fen: int
    refunded_fen: int
    paid_in_fen: int
    kept_fen: int


@dataclass(frozen=True)
class LedgerLine:
    transaction_id: str
    kind: str
    label: str
    amount_fen: int
    reference_type: str
    reference_id: str
    memo: str
    created_at: datetime
    # The memo as the reader reads it: the same, or in their language where
    # the intent's purpose can say what it was for (handlers.register_describer).
    description: str = ""


@dataclass(frozen=True)
class KeptDeposit:
    """What was kept of the deposits paying one reference, and who has it."""

    amount_fen: int
    kept_by: str  # the account kind it went to: merchant_payable, platform_revenue


def deposits_kept(*, purpose: str, references: list[str]) -> dict[str, KeptDeposit]:
    """Return, by reference, what ``escrow_forfeit_deposit`` kept of the intents
    paying ``references`` under ``purpose``; a reference nothing was kept of is
    left out. Two queries, however many references."""
    intents = dict(
        PaymentIntent.objects.filter(
            purpose=purpose, reference__in=references, released_fen__gt=0
        ).values_list("public_id", "reference")
    )
    if not intents:
        return {}
    rows = (
        LedgerEntry.objects.filter(
            transaction__kind="escrow.deposit.forfeited",
            transaction__reference_type="escrow.paymentintent",
            transaction__reference_id__in=list(intents),
            amount_fen__gt=0,
        )
        .values_list("transaction__reference_id", "account__kind")
        .annotate(total=Sum("amount_fen"))
        .order_by("transaction__reference_id", "account__kind")
    )
    kept: dict[str, KeptDeposit] = {}
    for intent_id, kind, total in rows:
        reference = intents[intent_id]
        before = kept.get(reference)
        kept[reference] = KeptDeposit(
            amount_fen=total + (before.amount_fen if before else 0),
            kept_by=before.kept_by if before else kind,
        )
    return kept


def intent_get_for_user(*, user, intent_id: str) -> PaymentIntent:
    """Return the intent if ``user`` paid it (or is an operator), else 404."""
    intent = (
        PaymentIntent.objects.select_related("payer")
        .filter(public_id=intent_id)
        .first()
    )
    is_allowed = intent is not None and (
        intent.payer_id == user.pk or getattr(user, "is_staff", False)
    )
    if not user.is_authenticated or not is_allowed:
        raise NotFound("not_found", _("There is no such payment."))
    return intent


def _held_account(user) -> LedgerAccount | None:
    return LedgerAccount.objects.filter(kind=Kind.SHOPPER_HELD, user=user).first()


def shopper_money_summary(*, user) -> ShopperMoney:
    account = _held_account(user) if user.is_authenticated else None
    if account is None:
        return ShopperMoney(
            held_fen=0, spent_fen=0, refunded_fen=0, paid_in_fen=0, kept_fen=0
        )
    totals = dict(
        LedgerEntry.objects.filter(account=account)
        .values("transaction__kind")
        .annotate(total=Sum("amount_fen"))
        .values_list("transaction__kind", "total")
    )
    return ShopperMoney(
        held_fen=account.balance_fen,
        spent_fen=-sum(totals.get(kind, 0) for kind in SPENDING_KINDS),
        refunded_fen=-totals.get("escrow.refund.sent", 0),
        paid_in_fen=totals.get("escrow.payment.captured", 0),
        kept_fen=-totals.get("escrow.deposit.forfeited", 0),
    )


def _ledger_entries(account, *, since=None, until=None):
    entries = LedgerEntry.objects.filter(account=account).select_related("transaction")
    if since is not None:
        entries = entries.filter(transaction__created_at__gte=since)
    if until is not None:
        entries = entries.filter(transaction__created_at__lt=until)
    return entries


def _lines_of(entries, *, for_merchant: bool) -> list[LedgerLine]:
    described = _described_memos(
        [entry.transaction for entry in entries], for_merchant=for_merchant
    )
    return [
        LedgerLine(
            transaction_id=entry.transaction.public_id,
            kind=entry.transaction.kind,
            label=ledger_kind_label(entry.transaction.kind, for_merchant=for_merchant),
            amount_fen=entry.amount_fen,
            reference_type=entry.transaction.reference_type,
            reference_id=entry.transaction.reference_id,
            memo=entry.transaction.memo,
            created_at=entry.transaction.created_at,
            description=described.get(entry.transaction.pk, entry.transaction.memo),
        )
        for entry in entries
    ]


def _ledger_lines(
    account,
    *,
    page,
    page_size,
    for_merchant: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
) -> PageResult:
    """A page of the account's lines, newest first; ``since``/``until``: only
    those posted in [since, until)."""
    if account is None:
        return paginate([], page_size=page_size)
    # Transactions are numbered in the order they are posted; ordering by the
    # number walks the (account, transaction) index, newest first.
    entries = _ledger_entries(account, since=since, until=until).order_by(
        "-transaction_id"
    )
    result = paginate(entries, page=page, page_size=page_size)
    result.items = _lines_of(list(result.items), for_merchant=for_merchant)
    return result


def ledger_lines_in_order(
    account, *, for_merchant: bool = False, since=None, until=None
) -> list[LedgerLine]:
    """Every line of the account posted in [since, until), oldest first."""
    if account is None:
        return []
    entries = _ledger_entries(account, since=since, until=until).order_by(
        "transaction_id"
    )
    return _lines_of(list(entries), for_merchant=for_merchant)


def _described_memos(postings, *, for_merchant: bool) -> dict[int, str]:
    return {
        **_described_intent_memos(postings),
        **_described_earning_memos(postings),
        **_described_order_memos(postings, for_merchant=for_merchant),
    }


def _described_order_memos(postings, *, for_merchant: bool) -> dict[int, str]:
    """Return, by posting id, what postings about an order itself (a sale's
    money taken back for its shopper), whose memo is the bare order number,
    read: what the order was (handlers.register_order_describer), then its
    number. Until 2026-12-06 the shop's money page gave the number alone."""
    about_order = [
        p
        for p in postings
        if p.reference_type == "escrow.order" and p.memo == p.reference_id
    ]
    if not about_order:
        return {}
    purposes = PaymentIntent.objects.filter(
        reference__in={p.reference_id for p in about_order}
    ).values_list("purpose", "reference", "description")
    by_purpose: dict[str, set[str]] = {}
    # A purpose that describes no order (a team place paid by its member)
    # reads what its payment was for, as that payment's own line does.
    texts: dict[str, str] = {}
    for purpose, reference, description in purposes:
        by_purpose.setdefault(purpose, set()).add(reference)
        if description:
            texts.setdefault(reference, description)
    for purpose, references in by_purpose.items():
        if describer := order_describer_for(purpose):
            texts.update(describer(sorted(references), for_merchant=for_merchant))
    return {
        p.pk: f"{texts[p.reference_id]} · {p.reference_id}"
        for p in about_order
        if texts.get(p.reference_id)
    }


def _described_earning_memos(postings) -> dict[int, str]:
    """Return, by posting id, what postings about a merchant's earning on a
    reference (a coupon redemption settled or reversed, coupons given back),
    whose memo is the bare reference, read: what it was for (the deal's
    title, handlers.register_earning_describer; else what its payment said
    it was for, as the payment's own line reads), then the reference."""
    about_earning = [
        p
        for p in postings
        if p.reference_type == "escrow.pendingearning" and p.memo == p.reference_id
    ]
    if not about_earning:
        return {}
    purposes = PaymentIntent.objects.filter(
        reference__in={p.reference_id for p in about_earning}
    ).values_list("reference", "purpose", "description")
    by_purpose: dict[str, set[str]] = {}
    # What the payment itself was described as: the name a payment line of
    # the same order reads, for purposes that name no earning (a team's order
    # paid by its member; until 2026-12-06 its returned coupon read "ord_…").
    paid_for: dict[str, str] = {}
    for reference, purpose, description in purposes:
        by_purpose.setdefault(purpose, set()).add(reference)
        if description:
            paid_for.setdefault(reference, description)
    texts: dict[str, str] = {}
    for purpose, references in by_purpose.items():
        if describer := earning_describer_for(purpose) or describer_for(purpose):
            texts.update(describer(sorted(references)))
        else:
            texts.update({r: paid_for[r] for r in references if r in paid_for})
    return {
        p.pk: f"{texts[p.reference_id]} · {p.reference_id}"
        for p in about_earning
        if texts.get(p.reference_id)
    }


def _described_intent_memos(postings) -> dict[int, str]:
    """Return, by posting id, the memo in the reader's language for postings
    about an intent whose memo is that intent's stored description (the memo
    itself is the record and stays as written)."""
    intent_ids = {
        p.reference_id for p in postings if p.reference_type == "escrow.paymentintent"
    }
    if not intent_ids:
        return {}
    intents = {
        intent.public_id: intent
        for intent in PaymentIntent.objects.filter(public_id__in=intent_ids).only(
            "public_id", "purpose", "reference", "description"
        )
    }
    by_purpose: dict[str, set[str]] = {}
    for intent in intents.values():
        if describer_for(intent.purpose) is not None:
            by_purpose.setdefault(intent.purpose, set()).add(intent.reference)
    texts = {
        (purpose, reference): text
        for purpose, references in by_purpose.items()
        for reference, text in describer_for(purpose)(sorted(references)).items()
    }
    described = {}
    for posting in postings:
        intent = intents.get(posting.reference_id)
        if intent is None or posting.memo != intent.description[:200]:
            continue
        text = texts.get((intent.purpose, intent.reference))
        if text:
            described[posting.pk] = text
    return described


def shopper_ledger_lines(
    *, user, page: int = 1, page_size: int | None = None
) -> PageResult:
    """Return every movement of the shopper's held money, newest first."""
    account = _held_account(user) if user.is_authenticated else None
    return _ledger_lines(account, page=page, page_size=page_size)


def _check_merchant_money_reader(*, user, merchant) -> None:
    if not user.is_authenticated:
        raise Forbidden("forbidden", _("Please sign in first."))
    require_merchant_money_reader(user, merchant)


def merchant_payable_fen(*, user, merchant) -> int:
    """Return what the platform owes ``merchant`` (its owners and operators
    only; a cashier is refused 403)."""
    _check_merchant_money_reader(user=user, merchant=merchant)
    account = LedgerAccount.objects.filter(
        kind=Kind.MERCHANT_PAYABLE, merchant=merchant
    ).first()
    return account.balance_fen if account else 0


def merchant_ledger_lines(
    *, user, merchant, page: int = 1, page_size: int | None = None
) -> PageResult:
    """Return every movement of the merchant's payable, newest first (its
    owners and operators only)."""
    _check_merchant_money_reader(user=user, merchant=merchant)
    account = LedgerAccount.objects.filter(
        kind=Kind.MERCHANT_PAYABLE, merchant=merchant
    ).first()
    return _ledger_lines(account, page=page, page_size=page_size, for_merchant=True)


def platform_money_overview(*, user) -> dict:
    """Return the platform-wide balances by account kind (operators only), as
    of ``totals_computed_at`` (the job sums them once a minute)."""
    if not getattr(user, "is_staff", False):
        raise Forbidden("forbidden", _("Only operators can see platform money."))
    # The totals job's rows (a few), not a sum over every account: that grows
    # with the platform. Before the job has ever run, sum once and store.
    stored = list(LedgerKindTotal.objects.all())
    if not stored:
        kind_totals_refresh()
        stored = list(LedgerKindTotal.objects.all())
    totals = {row.kind: row.balance_fen for row in stored}
    overview = {f"{kind}_fen": totals.get(kind, 0) for kind in Kind.values}
    overview["totals_computed_at"] = min(row.computed_at for row in stored)
    overview["intents_awaiting_payment"] = PaymentIntent.objects.filter(
        status=PaymentIntent.Status.REQUIRES_PAYMENT
    ).count()
    return overview
