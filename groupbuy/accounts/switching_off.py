"""A person's open sockets close when their account is switched off, however
it is saved.

Support switches accounts off in the admin (``services.account_switch_off``), but an
account is also switched off by a ``save()`` elsewhere: ``user.is_active = False;
user.save()`` in a shell, a script, a data fix. Each socket was authorised when it
connected and would go on hearing the person's events, so a save that turns
``is_active`` from true (as stored) to false closes them as signed out (4401),
once the transaction commits (``realtime.access.sockets_end``; a rolled-back save
closes nothing). This is the one place that does it, the admin's path included.

``User.objects.filter(...).update(is_active=False)`` sends no signal and is not
seen here: switch people off with ``account_switch_off`` (or ``save()``), or end
their sockets yourself with ``sockets_end(user_public_id=…, reason=SIGNED_OUT)``.
"""

from __future__ import annotations

from groupbuy.realtime.access import SIGNED_OUT, sockets_end

_SWITCHED_OFF = "_groupbuy_switched_off"


def note_switching_off(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a save, note whether it switches a stored, active account off
    (``pre_save``); one query, only for a save that writes ``is_active`` false."""
    setattr(instance, _SWITCHED_OFF, False)
    if raw or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    stored = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list("is_active", flat=True)
        .first()
    )
    setattr(instance, _SWITCHED_OFF, bool(stored))


def end_sockets_of_switched_off(sender, instance, raw=False, **kwargs):
    """After a save that switched the account off, close its sockets once the
    transaction commits (``post_save``)."""
    if raw or not getattr(instance, _SWITCHED_OFF, False):
        return
    setattr(instance, _SWITCHED_OFF, False)
    sockets_end(user_public_id=instance.public_id, reason=SIGNED_OUT)
