"""Operators may look at shares and address books (names and hashes only); they
do not edit them, since every change goes through the services.

People are named by ``person_label`` (their name, else their masked number),
never by ``str(user)``, the full number of someone with no name; searching by
the full number still finds their shares and books."""

from django.contrib import admin

from groupbuy.accounts.admin import person_display
from groupbuy.sharing.models import ContactBook, Message, Participant, Share


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    can_delete = False
    # Not ``contact_name``: the sender's own name for a contact is theirs,
    # and looking at a share needs no one's private names.
    fields = ("member", "role", "label", "is_name_shown", "last_read_at", "joined_at")
    readonly_fields = fields
    member = person_display("user", Participant.user.field.verbose_name)

    def has_add_permission(self, request, obj=None):
        return False


class MessageInline(ParticipantInline):
    model = Message
    fields = ("written_by", "body", "product", "created_at")
    readonly_fields = fields
    written_by = person_display("author", Message.author.field.verbose_name)


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "sent_by", "product", "deal", "created_at")
    list_select_related = ("sender", "product", "deal")
    search_fields = ("public_id", "sender__phone")
    inlines = [ParticipantInline, MessageInline]
    exclude = ("voice_note", "sender")
    readonly_fields = ("sent_by",)
    sent_by = person_display("sender", Share.sender.field.verbose_name)


@admin.register(ContactBook)
class ContactBookAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "owned_by", "source", "created_at", "expires_at")
    list_select_related = ("owner",)
    search_fields = ("public_id", "owner__phone")
    exclude = ("owner",)
    readonly_fields = ("owned_by",)
    owned_by = person_display("owner", ContactBook.owner.field.verbose_name)
