"""What escrow holds about a person: payments and money lines (kept on erasure)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


class EscrowPersonalData(PersonalDataProvider):
    holds = gettext_lazy("your payments and the money lines of your escrow account")

    def export(self, user) -> PersonalDataExport:
        from groupbuy.escrow.models import LedgerEntry, PaymentIntent

        intents = PaymentIntent.objects.filter(payer=user).order_by("created_at", "id")
        lines = (
            LedgerEntry.objects.filter(account__user=user)
            .select_related("transaction", "account")
            .order_by("transaction__created_at", "id")
        )
        return PersonalDataExport(
            records={
                "payments": [
                    {
                        "id": intent.public_id,
                        "amount_fen": intent.amount_fen,
                        "currency": intent.currency,
                        "description": intent.description,
                        "status": intent.status,
                        "provider": intent.provider,
                        "refunded_fen": intent.refunded_fen,
                        "created_at": intent.created_at,
                        "succeeded_at": intent.succeeded_at,
                    }
                    for intent in intents
                ],
                "money_lines": [
                    {
                        "transaction": line.transaction.public_id,
                        "kind": line.transaction.kind,
                        "account": line.account.kind,
                        "amount_fen": line.amount_fen,
                        "memo": line.transaction.memo,
                        "created_at": line.transaction.created_at,
                    }
                    for line in lines
                ],
            }
        )

    def erasure_blockers(self, user) -> list[str]:
        """Refuse while a merchant ``user`` owns alone is owed money: nobody
        would be left to see it paid out."""
        from groupbuy.accounts.selectors import merchants_owned_alone
        from groupbuy.escrow.ledger import with_balances
        from groupbuy.escrow.models import LedgerAccount

        owed_kinds = (
            LedgerAccount.Kind.MERCHANT_PENDING,
            LedgerAccount.Kind.MERCHANT_PAYABLE,
        )
        return [
            gettext(
                "%(merchant)s is still owed money and has no other owner: make "
                "someone else an owner of it, or wait until it is paid out, "
                "before this account is deleted."
            )
            % {"merchant": merchant.display_name}
            for merchant in merchants_owned_alone(user=user)
            if with_balances(
                LedgerAccount.objects.filter(merchant=merchant, kind__in=owed_kinds)
            )
            .filter(current_balance_fen__gt=0)
            .exists()
        ]

    def erase(self, user) -> None:
        """Keep every payment and line; cut the person out of their free text.

        The ledger must stay balanced and auditable: nothing is deleted and no
        amount changes; the accounts keep pointing at the (now pseudonymous)
        user row. Descriptions and memos may quote the person (a demand titled
        with their name), in their own payments and in others'.
        """
        from groupbuy.accounts.personal_data import identifying_strings, scrub
        from groupbuy.escrow.models import LedgerTransaction, PaymentIntent

        strings = identifying_strings(user)
        for model, field in (
            (PaymentIntent, "description"),
            (LedgerTransaction, "memo"),
        ):
            mentions = Q()
            for value in strings:
                mentions |= Q(**{f"{field}__contains": value})
            for row in model.objects.filter(mentions):
                setattr(row, field, scrub(getattr(row, field), strings))
                row.save(update_fields=[field])
