"""Escrow tables: a double-entry ledger in integer fen, and payment intents.

Sign convention
---------------
Every entry is a signed ``amount_fen``; an account's balance is the sum of its
entries, and a positive balance means "this much money sits in this bucket". Read
it with ``escrow.ledger.account_balance_fen``: a platform-wide account keeps most
of it in ``LedgerAccountShard`` rows, not in its own ``balance_fen``.
Each ledger transaction's entries sum to zero, so the balances of all accounts
also sum to zero: the one ``external`` account mirrors the money outside the
platform and is the only one that goes negative (minus everything shoppers have
paid in). A shopper's and a merchant's balance is kept at zero or above, by a
conditional update in ``escrow.ledger.ledger_post`` and by a CHECK constraint; the
platform-wide accounts are sharded and not checked per posting.

How money moves (transaction kinds, each a pair of postings):

- ``escrow.payment.received``  external → gateway clearing (the provider has it)
- ``escrow.payment.captured``  gateway clearing → the payer's held account
- ``escrow.refund.sent``       held → gateway clearing (handed to the provider)
- ``escrow.refund.paid``       gateway clearing → refunds paid out (cumulative)
- ``escrow.hold.released``     held → merchant payable + platform revenue (fee)
- ``escrow.hold.pending``      held → merchant pending (earned, not yet settled:
  a deal settled on redemption)
- ``escrow.redemption.settled`` merchant pending → merchant payable + platform
  revenue (fee), one coupon redemption's share
- ``escrow.pending.returned``  merchant pending → the payer's held account
  (unredeemed units given back, then refunded: ``escrow.pending``)
- ``escrow.redemption.reversed`` the exact opposite of a ``redemption.settled``
  posting (a redemption that turned out not to count)
- ``escrow.deposit.forfeited`` held → a named account, under a rule the caller
  states (a demand's deposit kept when its initiator walks away)

A refund is two postings: ``sent`` in the transaction that decides it (the
money leaves the payer's held account and is in flight at the provider), and
``paid`` once the provider, called after commit, confirmed it; until then the
amount sits in gateway clearing and the ``Refund`` row is pending.

Gateway clearing is money in flight at the provider; with the sandbox (which
settles at once) it is back to zero after every movement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.phones import person_label
from groupbuy.core.ids import PublicIdField


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        SHOPPER_HELD = "shopper_held", _("Shopper funds held")
        MERCHANT_PENDING = "merchant_pending", _("Merchant pending (not settled)")
        MERCHANT_PAYABLE = "merchant_payable", _("Merchant payable")
        PLATFORM_REVENUE = "platform_revenue", _("Platform revenue")
        GATEWAY_CLEARING = "gateway_clearing", _("Gateway clearing")
        REFUNDS_PAID = "refunds_paid", _("Refunds paid out")
        EXTERNAL = "external", _("External (outside the platform)")

    SYSTEM_KINDS = (
        Kind.PLATFORM_REVENUE,
        Kind.GATEWAY_CLEARING,
        Kind.REFUNDS_PAID,
        Kind.EXTERNAL,
    )

    public_id = PublicIdField(prefix="acct", verbose_name=_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name=_("person"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name=_("merchant"),
    )
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user"],
                condition=Q(user__isnull=False),
                name="escrow_one_account_per_user_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "merchant"],
                condition=Q(merchant__isnull=False),
                name="escrow_one_account_per_merchant_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(user__isnull=True, merchant__isnull=True),
                name="escrow_one_system_account_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="external") | Q(balance_fen__gte=0),
                name="escrow_balance_not_negative",
            ),
        ]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self):
        # A person by name or masked number (str(user) is a full number): it
        # names the account in admin lists, its entries and ledger refusals.
        owner = person_label(self.user) if self.user_id else self.merchant
        label = self.get_kind_display()
        return f"{label} · {owner}" if owner else str(label)


class LedgerTransaction(models.Model):
    public_id = PublicIdField(prefix="ltx", verbose_name=_("number"))
    # Dotted, e.g. escrow.payment.captured; see the module docstring.
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    # A retried caller passes the same key and gets the first posting back.
    idempotency_key = models.CharField(
        max_length=200, unique=True, verbose_name=_("idempotency key")
    )
    # What caused the movement, e.g. ("escrow.paymentintent", "pi_…").
    reference_type = models.CharField(
        max_length=60, blank=True, verbose_name=_("reference type")
    )
    reference_id = models.CharField(
        max_length=60, blank=True, db_index=True, verbose_name=_("reference number")
    )
    memo = models.CharField(max_length=200, blank=True, verbose_name=_("memo"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")

    def __str__(self):
        return f"{self.kind} {self.reference_id}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("transaction"),
    )
    account = models.ForeignKey(
        LedgerAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        ordering = ["-transaction__created_at", "-id"]
        verbose_name_plural = _("ledger entries")
        # An account's lines, newest first, without sorting all of them.
        indexes = [
            models.Index(
                fields=["account", "-transaction"], name="escrow_entry_account_newest"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount_fen=0), name="escrow_entry_not_zero"
            ),
            models.UniqueConstraint(
                fields=["transaction", "account"],
                name="escrow_one_entry_per_account_per_transaction",
            ),
        ]
        verbose_name = _("ledger entry")

    def __str__(self):
        return f"{self.amount_fen:+d} fen on {self.account}"


class LedgerAccountShard(models.Model):
    """One slice of a platform-wide account's balance.

    Platform-wide (system) accounts take part in every payment, refund and
    release, so a single balance row would make all money movement on the
    platform queue on one row lock. Their postings add to one of several shard
    rows instead, and their balance is the account row's ``balance_fen`` (what
    was posted before sharding) plus the sum of its shards; see
    ``groupbuy.escrow.ledger``. A shard may go negative (money in on one shard,
    out on another); only the sum means anything.
    """

    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="shards"
    )
    shard = models.PositiveSmallIntegerField()
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)

    class Meta:
        ordering = ["account", "shard"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "shard"], name="escrow_one_row_per_account_shard"
            )
        ]
        verbose_name = _("account shard")
        verbose_name_plural = _("account shards")

    def __str__(self):
        return f"{self.account} #{self.shard}: {self.balance_fen} fen"


class LedgerKindTotal(models.Model):
    """The sum of every account's balance of one kind, as of ``computed_at``.

    The operator dashboard shows these. Summing them live reads one row per
    shopper and merchant (a whole-table scan that grows with the platform), and
    keeping a running total updated by every posting would make all postings
    queue on one row again (what the shards undo). So the job
    ``ledger_kind_totals_refresh`` sums them once a minute and the dashboard
    reads these few rows, saying how old they are.
    """

    kind = models.CharField(
        _("kind"), max_length=20, choices=LedgerAccount.Kind.choices, unique=True
    )
    balance_fen = models.BigIntegerField(_("balance (fen)"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("ledger total by kind")
        verbose_name_plural = _("ledger totals by kind")

    def __str__(self):
        return f"{self.kind}: {self.balance_fen} fen"
