"""Demo data for snap: shoppers who asked for products nobody sells as a group
buy yet, two of them past their category's threshold, so the operator's demand
alerts are not empty (idempotent: a person asks for a product once).

Runs after the deals' demo data, whose demo buyers do the asking.
"""

from __future__ import annotations

from groupbuy.accounts.models import User
from groupbuy.catalog.gtin import gtin14
from groupbuy.catalog.models import Product
from groupbuy.snap.models import DemandRequest
from groupbuy.snap.services.demand import demand_record

# GTIN -> how many of the demo buyers asked for it. Snacks alert at 3 (the
# counter starts after the first requester), fresh produce at the default 5.
ASKED = (
    ("6921724789290", 5),  # 盐焗花生, snacks: an alert
    ("6927153508334", 4),  # 铜锣烧, snacks: an alert
    ("2000000001074", 3),  # 麒麟西瓜, fresh produce: counted, below its threshold
)


def load_demo_data(*, stdout) -> None:
    from groupbuy.deals.demo import BUYERS

    buyers = list(User.objects.filter(phone__in=[phone for phone, _ in BUYERS]))
    buyers.sort(key=lambda user: user.phone)
    added = 0
    for code, asked in ASKED:
        product = Product.objects.filter(gtin14=gtin14(code)).first()
        if product is None:
            continue
        for buyer in buyers[:asked]:
            already = DemandRequest.objects.filter(
                user=buyer, signal__product=product
            ).exists()
            if not already and demand_record(actor=buyer, product=product):
                added += 1
    if added:
        stdout.write(f"snap: {added} demand requests\n")
