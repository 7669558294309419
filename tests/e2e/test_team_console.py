"""A merchant creates a team buy from the console in a real browser: the form
shows a bad setting on its field, then opens the team buy; while it sells they
add stock and let it sell for longer."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest

from tests.e2e import sign_in

pytestmark = [pytest.mark.browser]

PHONE, PASSWORD = "13900880001", "team-console-pass"


def _seed(server, call: str) -> dict:
    code = (
        f"import json\nfrom tests.e2e.team_seeding import *\nprint(json.dumps({call}))"
    )
    return json.loads(server.run_python(code).strip().splitlines()[-1])


def test_owner_creates_a_team_buy_from_the_console(page, groupbuy_server):
    # given an owner whose merchant lists a product
    seeded = _seed(
        groupbuy_server,
        f"seed_team_merchant(phone='{PHONE}', password='{PASSWORD}', "
        "gtin='6901234567038')",
    )
    merchant_id = seeded["merchant"]
    sign_in(page, PHONE, PASSWORD, then=f"/merchant/{merchant_id}/")
    # when they open "Team buys" from the console menu and fill the form with a
    # team price above the solo price
    page.click("#merchant-nav-teams")
    page.click("#new-team-deal")
    page.wait_for_selector("#team-deal-form[data-prefill-ready='1']", state="attached")
    page.select_option("#id_product", seeded["product"])
    # (choosing the product fills in its everyday price as the solo price)
    assert page.input_value("#id_solo_price_fen") == "59.00"
    page.fill("#id_title", "Biluochun, team of 3")
    page.fill("#id_team_size", "3")
    page.fill("#id_team_price_fen", "69.00")
    page.fill("#id_stock", "30")
    page.fill("#id_limit_per_shopper", "2")
    page.click("#team-deal-submit")
    # then the form says what is wrong, on that field
    page.wait_for_selector("text=The team price must be below the solo price.")
    # when they fix it
    page.fill("#id_team_price_fen", "49.00")
    page.click("#team-deal-submit")
    # then the team buy is open, and its console page says what to do next, as
    # a group buy's does: its page as shoppers see it, its link to share
    page.wait_for_url(
        re.compile(rf"/merchant/{merchant_id}/deals/deal_[^/]+/\?step=opened$")
    )
    page.wait_for_selector("text=The group buy is open.")
    assert "/deals/deal_" in page.input_value("#merchant-deal-share-link")
    assert page.locator("#merchant-deal-next-public").is_visible()
    # and its stock and end of sales are on its teams page
    page.click("#merchant-deal-in-teams a")
    page.wait_for_url(re.compile(rf"/teams/merchant/{merchant_id}/deals/deal_[^/]+/$"))
    assert "Selling: 0 open" in page.inner_text("#team-deal-outcome")
    teams_page = page.url
    # when they add ten units and move the end of sales a day later
    page.fill("#team-deal-stock-form input[name=units]", "10")
    page.click("#team-deal-add-stock")
    page.wait_for_selector("text=The stock is added.")
    assert "0 of 40 units taken." in page.inner_text("main")
    ends = page.input_value("#team-deal-extend-form input[name=ends_at]")
    day, time = ends.split("T")  # "2026-12-08", "07:00"
    next_year = f"{int(day[:4]) + 1}{day[4:8]}01T{time}"  # the 1st, a year on
    page.fill("#team-deal-extend-form input[name=ends_at]", next_year)
    page.click("#team-deal-extend")
    # then a year on is refused: buyers' payments would wait that long
    page.wait_for_selector("text=A group buy sells for at most 90 days")
    # when they move it a day later
    a_day_on = (datetime.fromisoformat(ends) + timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    page.fill("#team-deal-extend-form input[name=ends_at]", a_day_on)
    page.click("#team-deal-extend")
    # then the page says so and shows the new end
    page.wait_for_selector("text=The end of sales is moved.")
    assert a_day_on.replace("T", " ") in page.inner_text("#team-deal-sales")
    assert page.url == teams_page
    page.click("#merchant-nav-teams")
    assert "Biluochun, team of 3" in page.inner_text("#merchant-team-deals")
