"""Seed the accessibility pass inside the server's Django (run through `shell`).

On top of `groupbuy load_demo` (its logins, merchant, branches, listings, deals,
promotion), one object of every kind a page shows in detail: a pending and a
confirmed order, a coupon, a failed deal, a team, a demand with an offer, a pool,
pools a member left (left, carried on, dissolved), a conversation ended, a share
(one of whose invitations is held back) and pending phone verifications. Then
every page path the URL resolver knows is filled in with those ids; the test
keeps the ones that answer 200 HTML.
"""

from __future__ import annotations

from datetime import timedelta

# URL parts never worth an accessibility pass: not pages, or not ours.
SKIPPED_PREFIXES = ("admin/", "api/", "media/", "private-media/", "i18n/", "jsi18n/")
SKIPPED_SUFFIXES = (
    ".png",
    ".pdf",
    ".js",
    ".zip",
    ".tar.gz",
    ".webmanifest",
    "key-file/",
)


def _people():
    from groupbuy.accounts.models import User
    from groupbuy.demo_data import CASHIER, OPERATOR, OWNER, SHOPPER, SHOPPER_2

    phones = [login.phone for login in (SHOPPER, SHOPPER_2, OWNER, CASHIER, OPERATOR)]
    users = {user.phone: user for user in User.objects.filter(phone__in=phones)}
    return [users[phone] for phone in phones]


def _deal_ids(*, shopper, shopper_2, owner, merchant) -> dict:
    from groupbuy.catalog.models import Listing
    from groupbuy.coupons.models import Coupon
    from groupbuy.deals.models import Deal
    from groupbuy.deals.services import (
        deal_close,
        deal_join,
        deal_orders_follow_up,
        deal_settle,
    )
    from groupbuy.deals.tests.factories import join_and_pay, make_deal, pass_deadline

    now_open = Deal.objects.filter(
        merchant=merchant, state=Deal.State.OPEN, starts_at__lte=now()
    ).order_by("deadline_at")
    deal = now_open.first()
    pending = deal_join(actor=shopper, deal=deal, quantity=1)
    listings = list(Listing.objects.filter(merchant=merchant).order_by("pk")[:2])
    # A deal's list price may not be above the shop's everyday price, and its
    # tiers are below the list price.
    won = make_deal(
        merchant=merchant,
        product=listings[0].product,
        list_price_fen=listings[0].price_fen,
        tiers=[(1, listings[0].price_fen - 10)],
        title="已成团 Settled deal",
    )
    confirmed = join_and_pay(won, quantity=2, shopper=shopper)
    deal_settle(deal=deal_close(deal=pass_deadline(won)))
    # Coupons come from the settlement's follow-up job; no worker runs here.
    deal_orders_follow_up(order_ids=[confirmed.pk])
    lost = make_deal(
        merchant=merchant,
        product=listings[1].product,
        list_price_fen=listings[1].price_fen,
        tiers=[(5, listings[1].price_fen - 10)],
        title="未成团 Failed deal",
    )
    join_and_pay(lost, quantity=1, shopper=shopper_2)
    deal_close(deal=pass_deadline(lost))
    upcoming = Deal.objects.filter(merchant=merchant, starts_at__gt=now()).first()
    return {
        "deal_id": deal.public_id,
        "other_deal_ids": [won.public_id, lost.public_id]
        + ([upcoming.public_id] if upcoming else []),
        "order_id": confirmed.public_id,
        "pending_order_id": pending.public_id,
        "intent_id": pending.payment_intent.public_id,
        "coupon_id": Coupon.objects.get(order=confirmed).public_id,
        # the key that signed it (the operators' "Revoke key" page)
        "platform_key_id": Coupon.objects.get(order=confirmed).platform_key.public_id,
        "listing_id": listings[0].public_id,
        "product_id": listings[0].product.public_id,
    }


def _team_id(*, shopper, owner, merchant, product) -> dict:
    from groupbuy.catalog.models import Listing
    from groupbuy.catalog.selectors import listing_for
    from groupbuy.teams.services import team_deal_create, team_open
    from groupbuy.teams.tests.factories import pay

    # The solo price may not be above the shop's everyday price.
    listing = listing_for(merchant=merchant, product=product)
    if listing is None:  # a team buy is made for a product the shop lists
        listing = Listing.objects.create(
            merchant=merchant, product=product, price_fen=2_000
        )
    solo_price_fen = listing.price_fen
    team_deal = team_deal_create(
        actor=owner,
        merchant=merchant,
        product=product,
        title="两人团 Team of two",
        team_size=2,
        window_hours=24,
        team_price_fen=max(1, solo_price_fen * 8 // 10),
        solo_price_fen=solo_price_fen,
        stock=20,
        starts_at=now() - timedelta(minutes=1),
        ends_at=now() + timedelta(days=2),
    )
    member = team_open(actor=shopper, team_deal=team_deal)
    pay(member)
    return {"team_id": member.team.public_id, "team_deal_id": team_deal.deal.public_id}


def _demand_ids(*, shopper, owner, merchant) -> dict:
    from groupbuy.demands.tests.factories import make_offer, make_published

    demand = make_published(initiator=shopper, title="有机牛奶 Organic milk")
    offer = make_offer(demand, merchant=merchant, owner=owner)
    return {"demand_id": demand.public_id, "offer_id": offer.public_id}


def _pool_id(*, shopper, shopper_2, merchant) -> dict:
    from groupbuy.catalog.models import Branch
    from groupbuy.pooling.models import PoolMember, PoolRequest, Promotion
    from groupbuy.pooling.services import pool_request_create, pools_match

    branch = Branch.objects.filter(merchant=merchant).order_by("pk").first()
    promotion = (
        Promotion.objects.filter(merchant=merchant, kind="threshold")
        .order_by("-pk")
        .first()
    )
    for user in (shopper, shopper_2):
        # The demo data has shopper_2 waiting there already (pooling/demo.py).
        waiting = PoolRequest.objects.filter(
            user=user, promotion=promotion, branch=branch, state__in=["open"]
        )
        if waiting.exists():
            continue
        pool_request_create(
            actor=user,
            promotion=promotion,
            branch=branch,
            amount_fen=15_000,
            deadline_at=now() + timedelta(hours=2),
        )
    pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    member = PoolMember.objects.filter(request__user=shopper).order_by("-pk").first()
    pool_id = member.pool.public_id if member is not None else None
    request = PoolRequest.objects.filter(user=shopper).order_by("-pk").first()
    return {
        "pool_id": pool_id,
        "branch_id": branch.public_id,
        # its page links the pool it is suggested for
        "pool_request_id": request.public_id if request is not None else None,
    }


def _accepted_contact(*, shopper, shopper_2, product, amount_fen, days_ahead):
    """shopper_2 plans to buy the product ``days_ahead`` days from now;
    shopper asked and they accepted."""
    from groupbuy.catalog.models import Branch
    from groupbuy.pooling import services

    branch = Branch.objects.order_by("pk").first()
    services.profile_update(
        actor=shopper_2, max_group_size=4, max_walk_m=1000, is_discoverable=True
    )
    cart = services.cart_report(
        actor=shopper_2,
        branch=branch,
        kind="intended",
        amount_fen=amount_fen,
        items=[{"product_id": product.public_id, "unit_price_fen": 0, "quantity": 1}],
        window_start_at=now() + timedelta(days=days_ahead),
        window_end_at=now() + timedelta(days=days_ahead, hours=2),
    )
    contact = services.contact_request(actor=shopper, cart=cart, product=product)
    services.contact_answer(actor=shopper_2, contact=contact, accept=True)
    return contact


def _contact_id(*, shopper, shopper_2, product) -> dict:
    """shopper_2 plans to buy the product; shopper asked, they accepted and
    said hello, so the contact page shows its chat."""
    from groupbuy.pooling import services

    contact = _accepted_contact(
        shopper=shopper,
        shopper_2=shopper_2,
        product=product,
        amount_fen=8_800,
        days_ahead=1,
    )
    services.contact_chat_post(actor=shopper_2, contact=contact, body="周六一起买？")
    return {"contact_id": contact.public_id}


# Two more shoppers, for pools of three (phones no other test uses).
POOL_MATE_PHONES = ("+8613900330001", "+8613900330002")


def _left_pool_ids(*, shopper, merchant) -> dict:
    """Pools of three, each for a promotion of its own, in the states a leave
    leaves them: one the shopper left (the others carry on), one another
    member left that carries on (listed as left), and one another member's
    leave dissolved (the shopper's request looking again, with Withdraw)."""
    import pytest
    from django.utils import timezone

    from groupbuy.accounts.models import User
    from groupbuy.catalog.models import Branch
    from groupbuy.pooling import services
    from groupbuy.pooling.tests.factories import make_promotion
    from groupbuy.pooling.tests.leaving import confirmed_pool

    branch = Branch.objects.filter(merchant=merchant).order_by("pk").first()
    mates = []
    for phone in POOL_MATE_PHONES:
        User.objects.filter(phone=phone).delete()
        mates.append(User.objects.create_user(phone, "pool-mate-pass"))
    ids = {}
    # (key, amounts of shopper and the two mates in seat order, who leaves)
    for key, amounts, leaver in (
        ("left_pool_id", (16_000, 15_000, 5_000), 2),  # the shopper, seat C
        ("reshared_pool_id", (16_000, 15_000, 5_000), 2),
        ("dissolved_pool_id", (10_000, 15_000, 6_000), 1),
    ):
        promotion = make_promotion(merchant=merchant, branch=branch)
        people = (
            [mates[0], mates[1], shopper]
            if key == "left_pool_id"
            else [shopper, *mates]
        )
        with pytest.MonkeyPatch.context() as patch:
            pool, users = confirmed_pool(
                patch,
                promotion=promotion,
                branch=branch,
                amounts=amounts,
                users=people,
            )
        services.pool_leave(actor=users[leaver], pool=pool, now=timezone.now())
        ids[key] = pool.public_id
    return ids


def _ended_contact_id(*, shopper, shopper_2, product) -> dict:
    """A second conversation between the two, accepted, written in and ended
    by shopper_2: its page shows the history read-only."""
    from groupbuy.pooling import services

    contact = _accepted_contact(
        shopper=shopper,
        shopper_2=shopper_2,
        product=product,
        amount_fen=6_600,
        days_ahead=2,
    )
    services.contact_chat_post(actor=shopper, contact=contact, body="周日可以吗？")
    services.contact_end(actor=shopper_2, contact=contact)
    return {"ended_contact_id": contact.public_id}


# A number with no account, which the share's invitation is held back from.
UNINVITED_PHONE = "+8613900330009"


def _share_id(*, shopper, shopper_2, deal_id) -> dict:
    """A share to shopper_2 and to a number without an account whose invitation
    the sharer's daily limit held back: the thread shows its sharer "Not invited
    yet"."""
    from django.test import override_settings

    from groupbuy.deals.models import Deal
    from groupbuy.moderation.tests.factories import report_message
    from groupbuy.sharing.contacts import Contact
    from groupbuy.sharing.services import message_post, share_send

    deal = Deal.objects.get(public_id=deal_id)
    with override_settings(GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY=0):
        share = share_send(
            actor=shopper,
            product=deal.product,
            deal=deal,
            contacts=[
                Contact(name="", address=shopper_2.phone),
                Contact(name="妈妈 Mum", address=UNINVITED_PHONE),
            ],
            comment="一起买吗？ Shall we?",
        )
    # shopper_2's reply, which the shopper has reported: the report form and a
    # row in the operators' queue of reports
    reply = message_post(actor=shopper_2, share=share, body="买不买？ Buying?")
    reported = report_message(actor=shopper, message=reply, reason="spam", note="Ads")
    return {
        "share_id": share.public_id,
        "message_id": reply.public_id,
        "report_kind_path": "replies",
        "report_id": reported.report.public_id,
    }


def _verification_ids(*, shopper) -> dict:
    from groupbuy.accounts.services import (
        password_change_request,
        password_reset_request,
        sign_up_request,
    )

    sign_up = sign_up_request(phone="+8613800009998", password="a11y-sign-up-9")
    reset = password_reset_request(phone=shopper.phone)
    change = password_change_request(actor=shopper)
    # An e-mail address waiting to be proved, and the link's signed token.
    from groupbuy.accounts.services.email_verification import verification_link

    shopper.email = "xiaowang@example.com"
    shopper.save(update_fields=["email"])
    email_token = verification_link(shopper).rstrip("/").rsplit("/", 1)[-1]
    # A member whose number is not verified yet asks for a code (the demo's
    # shoppers are verified); the page answers only them, so it is filled in
    # and then skipped for the other roles.
    from groupbuy.accounts.models import User
    from groupbuy.accounts.services import phone_verify_request

    unverified = User.objects.filter(phone="+8613800009997").first() or (
        User.objects.create_user("+8613800009997", "a11y-unverified-9")
    )
    phone = phone_verify_request(actor=unverified)
    # The shopper moving to a new number, its code sent there; the code page
    # answers only them.
    from groupbuy.accounts.services import phone_change_request

    moving = phone_change_request(actor=shopper, new_phone="+8613800009996")
    return {
        "phone_verification_id": phone.verification.public_id,
        "user_id": shopper.public_id,
        "email_token": email_token,
        "signup_verification_id": sign_up.verification.public_id,
        "reset_verification_id": reset.verification.public_id,
        "change_verification_id": change.verification.public_id,
        "phone_change_verification_id": moving.verification.public_id,
    }


def _shop_application_id(*, shopper) -> dict:
    """A pending application to open a shop (the shopper's page, the
    operator's page)."""
    from groupbuy.ops.shop_applications import shop_application_submit

    application = shop_application_submit(
        actor=shopper,
        name="无障碍小铺",
        name_en="Accessible Corner",
        branch_address="上海市黄浦区南京东路9号",
        sells="Tea and snacks",
        note="Open every day.",
    )
    return {"application_id": application.public_id}


def _erasure_request_id() -> dict:
    """Someone asking to be erased (the operator's "Erase now" confirm page);
    a person of their own, so no other page's account is erased."""
    from groupbuy.accounts.models import User
    from groupbuy.ops.services import erasure_request

    leaving = User.objects.filter(phone="+8613800009995").first() or (
        User.objects.create_user("+8613800009995", "a11y-leaving-9")
    )
    return {"erasure_request_id": erasure_request(actor=leaving).public_id}


def _failed_delivery(*, shopper) -> dict:
    """A text that ran out of attempts (the operators' Failed deliveries list
    and its chart, with a row to tick)."""
    from django.utils import timezone

    from groupbuy.notify.models import Delivery
    from groupbuy.notify.services import notification_enqueue

    notification = notification_enqueue(
        recipient=shopper,
        kind="deals.deal.failed",
        title="Accessibility",
        body="",
        channels=["sms"],
    )
    Delivery.objects.filter(notification=notification).update(
        status=Delivery.Status.FAILED,
        attempts=6,
        last_error="SmsError: gateway down",
        failed_at=timezone.now(),
        next_attempt_at=None,
    )
    return {}


def _catalogue_import_id(*, owner, merchant) -> dict:
    """An uploaded catalogue file's preview: a new product and a refused row
    (the owner's Import or export pages)."""
    from groupbuy.catalog.services import catalogue_import_upload

    upload = catalogue_import_upload(
        actor=owner,
        merchant=merchant,
        data="gtin,name_zh,price_yuan\n,无障碍茶,12.50\n,负价,-1\n".encode(),
        file_name="a11y.csv",
    )
    return {"catalogue_import_id": upload.public_id}


def _offline_conflict(*, merchant, coupon_id: str) -> dict:
    """A station's claim on the settled coupon that did not count (the shop's
    and the operators' conflicts pages show their table): recorded as an
    uploaded batch records one, without a station to sign the batch."""
    from groupbuy.coupons.models import (
        Coupon,
        MerchantKey,
        RedemptionBatch,
        RedemptionConflict,
    )

    key = MerchantKey.objects.filter(merchant=merchant).order_by("pk").first()
    batch = RedemptionBatch.objects.create(
        merchant=merchant, merchant_key=key, digest="a11y-conflict", device="前台"
    )
    RedemptionConflict.objects.create(
        coupon=Coupon.objects.get(public_id=coupon_id),
        merchant=merchant,
        batch=batch,
        nonce="a11y-conflict",
        quantity=1,
        branch_name="Main",
        cashier_name="前台",
        device="前台",
        reason=RedemptionConflict.Reason.EXPIRED,
        redeemed_at=now(),
    )
    return {}


def now():
    from django.utils import timezone

    return timezone.now()


def seed_accessibility() -> dict:
    """Seed one of everything; return the ids and the page paths to try."""
    from groupbuy.catalog.models import Merchant
    from groupbuy.demo_data import MERCHANT_NAME

    shopper, shopper_2, owner, _cashier, _operator = _people()
    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("pk").first()
    ids = {"merchant_id": merchant.public_id}
    ids |= _deal_ids(
        shopper=shopper, shopper_2=shopper_2, owner=owner, merchant=merchant
    )
    from groupbuy.catalog.models import Product

    product = Product.objects.get(public_id=ids["product_id"])
    ids |= _team_id(shopper=shopper, owner=owner, merchant=merchant, product=product)
    ids |= _demand_ids(shopper=shopper, owner=owner, merchant=merchant)
    ids |= _pool_id(shopper=shopper, shopper_2=shopper_2, merchant=merchant)
    ids |= _share_id(shopper=shopper, shopper_2=shopper_2, deal_id=ids["deal_id"])
    ids |= _contact_id(shopper=shopper, shopper_2=shopper_2, product=product)
    ids |= _left_pool_ids(shopper=shopper, merchant=merchant)
    ids |= _ended_contact_id(shopper=shopper, shopper_2=shopper_2, product=product)
    ids |= _verification_ids(shopper=shopper)
    ids |= _shop_application_id(shopper=shopper)
    ids |= _erasure_request_id()
    ids |= _catalogue_import_id(owner=owner, merchant=merchant)
    ids |= _failed_delivery(shopper=shopper)
    ids |= _offline_conflict(merchant=merchant, coupon_id=ids["coupon_id"])
    return {"ids": ids, "paths": page_paths(ids), "unfilled": unfilled_routes(ids)}


# --- every page path the resolver knows ------------------------------------------

# A URL argument's name, as the resolver spells it, to the seeded id it takes.
# "verification_id" depends on the page; the dict below picks it by url name.
ARGUMENTS = {
    "deal_id": "deal_id",
    "order_id": "order_id",
    "coupon_id": "coupon_id",
    # a coupon signing key (the operators' keys pages)
    "key_id": "platform_key_id",
    "merchant_id": "merchant_id",
    "listing_id": "listing_id",
    "product_id": "product_id",
    "team_id": "team_id",
    "demand_id": "demand_id",
    "offer_id": "offer_id",
    "pool_id": "pool_id",
    "pool_request_id": "pool_request_id",
    "branch_id": "branch_id",
    "share_id": "share_id",
    # a share thread's reply (moderation's report form: its kind and id)
    "message_id": "message_id",
    "kind_path": "report_kind_path",
    "item_id": "message_id",
    # the operators' page of that report
    "report_id": "report_id",
    "contact_id": "contact_id",
    "intent_id": "intent_id",
    "token": "email_token",
    "user_id": "user_id",
    "payment_id": "intent_id",
    "application_id": "application_id",
    # the operator's erasure requests (pooling's withdraw is POST only)
    "request_id": "erasure_request_id",
    # the owner's catalogue import preview
    "import_id": "catalogue_import_id",
}
VERIFICATIONS = {
    "web:signup_verify": "signup_verification_id",
    "web:password_reset_verify": "reset_verification_id",
    "web:password_change_verify": "change_verification_id",
    "web:phone_verify_code": "phone_verification_id",
    "web:phone_change_code": "phone_change_verification_id",
}


def _patterns():
    from django.urls import get_resolver
    from django.urls.resolvers import URLResolver

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}".strip(":")
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif pattern.name:
                yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}"

    yield from walk(get_resolver(), "", "")


# Routes with an argument no seeded id fills, because they are no page of their
# own: POST-only actions, redirects, the payment provider's callback.
NOT_PAGES = {
    "payments:notify",
    "notify:open",
    "snap:choose",
    "snap:none",
    "snap:operator_label",
    "sharing:contacts_delete",
    "sharing_links:open",
    "demands:saved_search_delete",
    "web:api_token_revoke",
    "ops:erasure_perform",
    "ops:shop_application_withdraw",
    "ops:operator_shop_application_approve",
    "ops:operator_shop_application_decline",
    "ops:operator_shop_switch_off",
    "ops:operator_shop_switch_on",
    "demands:photo_delete",
    "web:merchant_staff_remove",
    "web:merchant_staff_role",
    "web:merchant_product_photo_update",
    "web:merchant_product_photo_remove",
    "web:merchant_product_photo_move",
    "web:staff_invitation_accept",
    "web:staff_invitation_decline",
    "pooling:cart_delete",
    "pooling:request_withdraw",
    "pooling:merchant_promotion_end",
    "snap:mine_photo_delete",
    "web:signup_resend",
    "web:password_reset_resend",
    "web:merchant_catalogue_confirm",
    "moderation_operator:hide",
    "moderation_operator:dismiss",
    "web:operator_deal_close",
    "web:operator_deal_stop",
    "web:operator_payment_refund_held",
    "web:operator_product_stop_selling",
    "web:operator_product_sell_again",
    "web:operator_person_lockout_clear",
    "web:operator_person_switch_off",
    "web:operator_person_switch_on",
    "web:operator_person_tokens_revoke",
    "demands_operator:cancel",
    "demands_operator:offer_withdraw",
}


def unfilled_routes(ids: dict) -> list[str]:
    """The named routes whose arguments no seeded id fills and that are not
    known to be something other than a page (a new page needs a seeded id)."""
    import re

    unfilled = []
    for route, name in _patterns():
        if route.startswith(SKIPPED_PREFIXES) or route.endswith(SKIPPED_SUFFIXES):
            continue
        name = name.lstrip(":")
        if name in NOT_PAGES:
            continue
        for argument in re.findall(r"<(?:\w+:)?(\w+)>", route):
            key = ARGUMENTS.get(argument)
            if argument == "verification_id":
                key = VERIFICATIONS.get(name)
            if key is None or ids.get(key) is None:
                unfilled.append(f"{name} ({route})")
                break
    return unfilled


def page_paths(ids: dict) -> list[str]:
    """Reverse every named page with the seeded ids; skip what cannot be filled."""
    import re

    from django.urls import NoReverseMatch, reverse

    paths = set()
    for route, name in _patterns():
        if route.startswith(SKIPPED_PREFIXES) or route.endswith(SKIPPED_SUFFIXES):
            continue
        name = name.lstrip(":")
        arguments = re.findall(r"<(?:\w+:)?(\w+)>", route)
        kwargs = {}
        for argument in arguments:
            key = ARGUMENTS.get(argument)
            if argument == "verification_id":
                key = VERIFICATIONS.get(name)
            if key is None or ids.get(key) is None:
                break
            kwargs[argument] = ids[key]
        else:
            try:
                paths.add(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                continue
    for deal_id in [*ids["other_deal_ids"], ids["team_deal_id"]]:
        paths.add(reverse("web:deal_detail", kwargs={"deal_id": deal_id}))
    paths.add(reverse("web:order_detail", kwargs={"order_id": ids["pending_order_id"]}))
    # the pages a leave or an ended conversation leaves behind
    for key in ("left_pool_id", "reshared_pool_id", "dissolved_pool_id"):
        paths.add(reverse("pooling:pool", kwargs={"pool_id": ids[key]}))
    paths.add(
        reverse("pooling:contact", kwargs={"contact_id": ids["ended_contact_id"]})
    )
    return sorted(paths)


KEYBOARD_SHOPPER = ("+8613800007771", "keyboard-only-1")


def seed_keyboard_journey() -> dict:
    """A shopper with a password and a deal open for an hour."""
    from groupbuy.accounts.models import User
    from tests.support.seeding import seed_open_deal

    phone, password = KEYBOARD_SHOPPER
    if not User.objects.filter(phone=phone).exists():
        User.objects.create_user(phone=phone, password=password)
    deal = seed_open_deal(
        gtin="6901234567977",
        tiers=[(1, 1500), (3, 1200)],
        stock=20,
        seconds_to_deadline=3600,
    )
    return {"deal": deal["deal"]}
