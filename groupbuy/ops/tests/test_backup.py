"""Back up a running demo, destroy its data folder, restore, find everything."""

import json
import os
import shutil
import threading
import urllib.request

import pytest

from tests.support.servers import Deployment, free_port

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

        def keep_asking():
            while not stop.is_set():
                urllib.request.urlopen(f"{base}/api/deals", timeout=10).read()

        asker = threading.Thread(target=keep_asking)
        asker.start()
        output = deployment.groupbuy("backup", "--output", str(archive))
        stop.set()
        asker.join()
    finally:
        deployment.stop()
    assert "backup written" in output

    # and: the data folder is lost
    shutil.rmtree(deployment.data_dir)
    deployment.data_dir.mkdir()

    # when
    deployment.groupbuy("restore", str(archive))

    # then
    assert state(deployment) == before


def test_restore_refuses_to_overwrite_a_database_without_force(tmp_path):
    deployment = Deployment(tmp_path / "data")
    deployment.data_dir.mkdir()
    deployment.migrate()
    archive = tmp_path / "b.tar.gz"
    deployment.groupbuy("backup", "--output", str(archive))

    with pytest.raises(RuntimeError, match="pass --force"):
        deployment.groupbuy("restore", str(archive))

    deployment.groupbuy("restore", "--force", str(archive))
    aside = list(deployment.data_dir.glob("before-restore-*"))
    assert len(aside) == 1 and (aside[0] / "groupbuy.sqlite3").exists()
