from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=2, retry_delay=30)
def webpush_deliver(user_id: int, payload: dict) -> int:
    from groupbuy.sharing.webpush import deliver

    return deliver(user_id, payload)


@db_periodic_task(crontab(minute="17"))
def contact_books_purge() -> int:
    """Delete the imported address books past their retention period (hourly)."""
    from groupbuy.sharing.services import contact_books_purge_expired

    return contact_books_purge_expired()
