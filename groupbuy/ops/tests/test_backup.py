"""Back up a running demo, destroy its data folder, restore, find everything."""

import json
import os
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import Deployment, free_port
from tests.support.waits import HANG_SECONDS

# groupbuy backup covers the embedded mode; the servers these tests start
# inherit DATABASE_URL, so on the PostgreSQL suite there is nothing to back up.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="groupbuy backup is for the embedded (SQLite) mode",
    ),
]

SEED = """
import hashlib, json
from django.core.files.base import ContentFile
from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import join_and_pay
from groupbuy.snap.models import Snap
deal = Deal.objects.get(public_id=DEAL_ID)
for _ in range(3):
    join_and_pay(deal)
snap = Snap(status="not_recognised")
snap.photo.save("kettle.jpg", ContentFile(b"\\xff\\xd8 a kettle photo \\xff\\xd9"))
"""

STATE = """
import hashlib, json
from groupbuy.deals.models import DealOrder
from groupbuy.escrow.models import LedgerEntry
from groupbuy.snap.models import Snap
print(json.dumps({
    "orders": sorted(DealOrder.objects.values_list("public_id", "status")),
    "ledger": sorted(
        LedgerEntry.objects.values_list("id", "account_id", "amount_fen")
    ),
    "photos": sorted(
        (snap.public_id, hashlib.sha256(snap.photo.read()).hexdigest())
        for snap in Snap.objects.exclude(photo="")
    ),
}))
"""


def state(deployment) -> dict:
    return json.loads(deployment.run_python(STATE).strip().splitlines()[-1])


def test_backup_of_a_running_demo_restores_every_order_ledger_line_and_photo(
    tmp_path,
):
    # given: a running server with paid orders and a snapped photo
    deployment = Deployment(tmp_path / "data")
    deployment.data_dir.mkdir()
    deployment.migrate()
    # One Python process for the seeding and the first look at the state, not
    # three `groupbuy shell`s (~2 s of CPU each); the server stop ends it,
    # before the data folder is lost, so nothing of the old database is kept.
    deployment.keep_shell()
    deal = deployment.seed(
        'seed_open_deal(gtin="6901234567892", tiers=[(2, 900)], stock=10)'
    )
    deployment.run_python(SEED.replace("DEAL_ID", repr(deal["deal"])))
    before = state(deployment)
    assert len(before["orders"]) == 3 and before["ledger"] and before["photos"]
    base = deployment.serve(free_port())
    archive = tmp_path / "groupbuy-backup.tar.gz"
    try:
        # when: the backup runs while the server answers requests
        stop = threading.Event()
        answered_during_backup = []

        def keep_asking():
            while not stop.is_set():
                urllib.request.urlopen(f"{base}/api/deals", timeout=HANG_SECONDS).read()
                if not stop.is_set():
                    answered_during_backup.append(True)
                # A short pause, not a busy loop: ~150 requests in one backup
                # cost the server seconds of CPU and proved nothing more.
                stop.wait(0.05)

        asker = threading.Thread(target=keep_asking)
        asker.start()
        output = deployment.groupbuy("backup", "--output", str(archive))
        stop.set()
        asker.join()
    finally:
        deployment.stop()
    assert "backup written" in output
    assert answered_during_backup, "the server answered nothing during the backup"

    # and: the data folder is lost
    shutil.rmtree(deployment.data_dir)
    deployment.data_dir.mkdir()

    # when
    deployment.groupbuy("restore", str(archive))

    # then
    assert state(deployment) == before


OUTBOX_SEED = """
import json
from datetime import timedelta
from django.core.mail import send_mail
from django.utils import timezone
from groupbuy.notify.sms import FileOutboxSmsBackend
sms = FileOutboxSmsBackend()
# texts and an e-mail the site handed to the outbox, not yet sent on
sms.send(phone="+8613900000001", text="Your group buy succeeded: pick up today",
         idempotency_key="ntf_succeeded-sms")
sms.send(phone="+8613900000002", text="groupbuy: your sign-up code is 111111",
         idempotency_key="phone-code-fresh")
sms.send(phone="+8613900000003", text="groupbuy: your sign-up code is 222222",
         idempotency_key="phone-code-stale")
# the second code was texted an hour before the backup: it no longer works
stale = sms.path_for("phone-code-stale")
record = json.loads(stale.read_text())
record["created_at"] = (timezone.now() - timedelta(hours=1)).isoformat()
stale.write_text(json.dumps(record))
send_mail("Refund", "Your refund of 9.00 is on its way", None, ["a@example.com"])
"""


def outbox(data_dir) -> dict[str, list[str]]:
    folder = data_dir / "outbox"
    return {
        kind: sorted(path.name for path in (folder / kind).glob("*"))
        for kind in ("sms", "email")
        if (folder / kind).exists()
    }


@pytest.fixture(scope="module")
def outbox_backup(tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    """A backup of a migrated database with texts and an e-mail waiting in the
    file outbox; return the archive and what waited. Made once for the tests
    that only restore it: each `groupbuy` command costs ~2 s of CPU."""
    folder = tmp_path_factory.mktemp("outbox-backup")
    deployment = Deployment(folder / "data")
    deployment.data_dir.mkdir()
    deployment.migrate()
    deployment.run_python(OUTBOX_SEED)
    waiting = outbox(deployment.data_dir)
    archive = folder / "groupbuy-backup.tar.gz"
    deployment.groupbuy("backup", "--output", str(archive))
    return archive, waiting


def test_restore_refuses_to_overwrite_a_database_without_force(tmp_path, outbox_backup):
    deployment = Deployment(tmp_path / "data")
    deployment.data_dir.mkdir()
    deployment.migrate()
    archive, _waiting = outbox_backup

    with pytest.raises(RuntimeError, match="pass --force"):
        deployment.groupbuy("restore", str(archive))

    deployment.groupbuy("restore", "--force", str(archive))
    aside = list(deployment.data_dir.glob("before-restore-*"))
    assert len(aside) == 1 and (aside[0] / "groupbuy.sqlite3").exists()


def test_restore_puts_back_what_waited_in_the_outbox_but_codes_that_expired(
    tmp_path, outbox_backup
):
    # given: texts and an e-mail waiting in the file outbox when the backup ran
    archive, waiting = outbox_backup
    assert len(waiting["sms"]) == 3 and len(waiting["email"]) == 1
    # and: the data folder is lost (a new, empty one)
    deployment = Deployment(tmp_path / "data")
    deployment.data_dir.mkdir()

    # when
    output = deployment.groupbuy("restore", str(archive))

    # then: the group buy's text and the refund e-mail are back, to be sent on
    # late (the site told the shopper they were sent), and so is the code
    # still within its ten minutes; the code texted an hour ago is not
    restored = outbox(deployment.data_dir)
    assert restored == {
        "sms": ["ntf_succeeded-sms.json", "phone-code-fresh.json"],
        "email": waiting["email"],
    }
    assert "3 texts and e-mails put back in the outbox" in output
    assert "1 code that expired dropped" in output


def test_restore_over_a_surviving_outbox_keeps_its_newer_messages(tmp_path):
    # given: a backup with one text waiting, and after it another text
    deployment = Deployment(tmp_path / "data")
    deployment.data_dir.mkdir()
    deployment.migrate()
    send = (
        "from groupbuy.notify.sms import FileOutboxSmsBackend\n"
        "FileOutboxSmsBackend().send(phone='+8613900000001', text={text!r},"
        " idempotency_key={key!r})"
    )
    archive = tmp_path / "b.tar.gz"
    deployment.keep_shell()  # one Python process for both sends, not two
    try:
        deployment.run_python(send.format(text="before", key="ntf_a-sms"))
        deployment.groupbuy("backup", "--output", str(archive))
        deployment.run_python(send.format(text="after", key="ntf_b-sms"))
    finally:
        deployment.stop()

    # when: restoring over the data folder, which survived
    deployment.groupbuy("restore", "--force", str(archive))

    # then: the text written after the backup is not lost with the database
    assert outbox(deployment.data_dir)["sms"] == ["ntf_a-sms.json", "ntf_b-sms.json"]
