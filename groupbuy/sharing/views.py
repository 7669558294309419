"""Pages: product cards, short links, composing a share, the inbox and threads."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import join_sentences
from groupbuy.core.pagination import paginate
from groupbuy.sharing import selectors, services
from groupbuy.sharing.contacts import vcard_max_bytes, vcard_parse
from groupbuy.sharing.forms import BookForm, ReplyForm, ShareForm
from groupbuy.sharing.held_invitations import (
    held_invitations_messages,
    invitation_limit_sentence,
)
from groupbuy.sharing.models import ContactBook
from groupbuy.sharing.sending import share_send_within_limits
from groupbuy.sharing.services.limits import invitation_texts_per_day
from groupbuy.sharing.static_version import static_files_version
from groupbuy.sharing.throttle import match_daily_check, match_rate_check
from groupbuy.sharing.voice import voice_note_response
from groupbuy.sharing.wording import list_separator
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http, page_number


@domain_errors_as_http
def product_page(request: HttpRequest, product_id: str) -> HttpResponse:
    product = selectors.product_get_shareable(product_id=product_id)
    card = selectors.product_card(product=product)
    return render(request, "sharing/product.html", {"card": card, "product": product})


@domain_errors_as_http
def link_open(request: HttpRequest, code: str) -> HttpResponse:
    """Show the Open Graph preview to link unfurlers and send people on."""
    link = selectors.link_get(code=code)
    card = selectors.product_card(product=link.product, deal=link.deal)
    return render(
        request,
        "sharing/link.html",
        {
            "card": card,
            "target": request.build_absolute_uri(card.target_url),
            "image": request.build_absolute_uri(card.thumbnail_url)
            if card.thumbnail_url
            else "",
        },
    )


def _target(request: HttpRequest):
    deal_id = request.GET.get("deal") or ""
    if deal_id:
        deal = selectors.deal_get_shareable(deal_id=deal_id)
        return deal.product, deal
    return (
        selectors.product_get_shareable(product_id=request.GET.get("product") or ""),
        None,
    )


@login_required
@domain_errors_as_http
def compose(request: HttpRequest) -> HttpResponse:
    product, deal = _target(request)
    form = ShareForm(
        request.POST or None,
        request.FILES or None,
        initial={"idempotency_key": ShareForm.new_key()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            share = share_send_within_limits(
                request,
                actor=request.user,
                product=product,
                deal=deal,
                numbers=form.numbers(),
                names=form.names(),
                member_ids=form.members(),
                comment=form.cleaned_data["comment"],
                voice_note=form.cleaned_data.get("voice_note"),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as error:
            _compose_error(form, error)
        else:
            if share.is_duplicate:
                # The page shown again from the history, sent again as it was.
                messages.info(request, _("You already shared this."))
            else:
                messages.success(request, _("Shared."))
            _tell_not_texted(request, share)
            return redirect("sharing:thread", share.public_id)
    context = {
        "form": form,
        "card": selectors.product_card(product=product, deal=deal),
        "book": selectors.contact_book_for_user(user=request.user),
    }
    status = 400 if form.errors else 200
    return render(request, "sharing/compose.html", context, status=status)


def _tell_not_texted(request: HttpRequest, share) -> None:
    """Say plainly how many people without an account got no invitation today
    (the limit counts texts and e-mails alike)."""
    count = selectors.share_recipients_not_texted(share=share, user=request.user)
    if count:
        messages.warning(
            request,
            join_sentences(
                (
                    ngettext(
                        "%(count)d person you shared with has no account here "
                        "and was not sent an invitation.",
                        "%(count)d people you shared with have no account here "
                        "and were not sent an invitation.",
                        count,
                    )
                    % {"count": count},
                    invitation_limit_sentence(),
                    _("They will see this share if they sign up."),
                )
            ),
        )


def _compose_error(form: ShareForm, error: DomainError) -> None:
    if error.code != "idempotency_key_reused":
        add_domain_error(form, error)
        return
    # The page sent once already (shown again from the history, then changed):
    # say so in its words, and let the next Send be a new share.
    form.add_error(
        None,
        _(
            "This page already sent another share (to other people, or with "
            "another comment or voice note). Check it and send again to send "
            "this one too."
        ),
    )
    form.key_renew()


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The shares others sent me; ``?box=sent``, the ones I sent."""
    box = "sent" if request.GET.get("box") == "sent" else "received"
    result = paginate(
        selectors.thread_list_for_user(user=request.user, box=box),
        page=page_number(request),
    )
    if box == "sent":
        # My own shares: each row names who it went to, not me.
        recipients = selectors.share_recipient_labels(
            shares=result.items, viewer=request.user
        )
        for share in result.items:
            share.recipient_labels = recipients[share.pk]
    return render(request, "sharing/inbox.html", {"threads": result, "box": box})


@login_required
@domain_errors_as_http
def thread(request: HttpRequest, share_id: str) -> HttpResponse:
    share = selectors.share_get_for_user(user=request.user, share_id=share_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product_id = form.cleaned_data["product_id"]
            services.message_post(
                actor=request.user,
                share=share,
                body=form.cleaned_data["body"],
                product=selectors.product_get_shareable(product_id=product_id)
                if product_id
                else None,
                client_key=form.cleaned_data["client_key"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("sharing:thread", share.public_id)
    else:
        services.thread_mark_read(actor=request.user, share=share)
    participants = selectors.thread_participants(share=share)
    context = {
        "share": share,
        "card": selectors.product_card(product=share.product, deal=share.deal),
        "sender": share.sender_label,
        "people": selectors.thread_people(
            participants=participants, viewer=request.user
        ),
        # Each reply's author's key and readers (as JSON), for the script to
        # add live readers to the replies they did not write.
        "entries": [
            (
                message,
                author,
                selectors.reply_author_key(share=share, user_id=message.author_id),
                readers,
                json.dumps(readers, ensure_ascii=False),
            )
            for message, author, readers in selectors.thread_entries(
                share=share, participants=participants, viewer=request.user
            )
        ],
        "form": form,
        # the key of the reader's replies, for the script to tell their own
        "reader_key": selectors.reply_author_key(share=share, user_id=request.user.pk),
        "held": selectors.share_recipients_held(share=share, user=request.user),
        "invitation_limit": invitation_texts_per_day(),
        # between the names of "In this conversation" and of each "Read by"
        "list_separator": list_separator(),
    }
    return render(
        request, "sharing/thread.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
@domain_errors_as_http
def thread_invitations_send(request: HttpRequest, share_id: str) -> HttpResponse:
    """Send the invitations the share held back at my daily limit (the
    sharer's only), and say what happened."""
    share = selectors.share_get_for_user(user=request.user, share_id=share_id)
    result = services.share_invitations_send_held(actor=request.user, share=share)
    for level, text in held_invitations_messages(result):
        messages.add_message(request, level, text)
    return redirect("sharing:thread", share.public_id)


@login_required
@domain_errors_as_http
def contacts(request: HttpRequest) -> HttpResponse:
    form = BookForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > vcard_max_bytes():
                from groupbuy.sharing.contacts import vcard_too_large_error

                raise vcard_too_large_error()
            parsed = vcard_parse(upload.read())
            # Importing shows who is a member: the same limits as the API's.
            match_rate_check(request, numbers=len(parsed))
            match_daily_check(request, hashes=[c.address_hash for c in parsed])
            services.contact_book_import(
                actor=request.user, contacts=parsed, source=ContactBook.Source.VCARD
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Address book imported."))
            return redirect("sharing:contacts")
    book = selectors.contact_book_for_user(user=request.user)
    entries = paginate(
        book.entries.select_related("member").order_by("name", "pk") if book else [],
        page=request.GET.get("page", 1),
    )
    return render(
        request,
        "sharing/contacts.html",
        {"form": form, "book": book, "entries": entries},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@domain_errors_as_http
def contacts_delete(request: HttpRequest, book_id: str) -> HttpResponse:
    services.contact_book_delete(actor=request.user, book_id=book_id)
    messages.success(request, _("Address book deleted."))
    return redirect("sharing:contacts")


@login_required
@domain_errors_as_http
def voice_note(request: HttpRequest, share_id: str) -> HttpResponse:
    """Play a share's voice note: its participants only (403 for anyone else)."""
    share = selectors.share_get_for_user(user=request.user, share_id=share_id)
    return voice_note_response(share)


@login_required
def push_settings(request: HttpRequest) -> HttpResponse:
    subscriptions = request.user.sharing_push_subscriptions.count()
    return render(request, "sharing/push.html", {"subscriptions": subscriptions})


def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "sharing/sw.js",
        {
            "default_language": settings.LANGUAGE_CODE,
            "static_version": static_files_version(),
        },
        content_type="application/javascript; charset=utf-8",
    )
    # Served under /sharing/ but controls the whole site (the app shell).
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows for a page the network cannot give, in
    the language ``?lang=`` names (it keeps one per language), the same for
    everyone."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        response = render(request, "sharing/offline.html")
    response["Content-Language"] = language
    return response
