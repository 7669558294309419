"""The payer's lock: taken first by every write that makes money held for a person.

Erasure (``ops.services``) reads the apps' ``erasure_blockers`` with the
person's user row locked, and so does asking for it. A deal join, a team
opened or joined, a demand joined or its deposit started, and a payment sent
to its provider (``payments.payment_start``, the sandbox's submit) lock the
same row with ``payer_lock`` at the start of their transaction, so each
either commits before the erasure reads the blockers (and is one of them) or
waits for it and finds the account erased.

Lock order, to avoid deadlocks: the payer's user row always first, before any
row of the app (deal, team, team deal, demand, branch, payment intent, ledger
account); erasure takes the user row, then its request's, then the apps'.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import User
from groupbuy.accounts.personal_data import is_erased


def payer_lock(*, user) -> User:
    """Lock ``user``'s row for the caller's transaction and return it fresh;
    refuse an erased account.

    An erasure under way holds this row until it commits (it is one
    transaction, marked by nothing else), so waiting here ends in finding the
    account erased. A request still in its grace period does not refuse: the
    person may buy until it is performed, and what they pay then holds the
    erasure back (the apps' ``erasure_blockers``). Call it inside
    ``transaction.atomic()``, before locking anything else.
    """
    payer = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(payer):
        raise AccountError(
            "account_erased",
            _("This account has been deleted, so it cannot pay or join anything."),
            status=403,
        )
    return payer
