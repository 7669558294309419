"""Operators may look at shares and address books (names and hashes only); they
do not edit them, since every change goes through the services."""

from django.contrib import admin

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
    fields = ("user", "role", "label", "is_name_shown", "last_read_at", "joined_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class MessageInline(ParticipantInline):
    model = Message
    fields = ("author", "body", "product", "created_at")
    readonly_fields = fields


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "sender", "product", "deal", "created_at")
    search_fields = ("public_id",)
    inlines = [ParticipantInline, MessageInline]
    exclude = ("voice_note",)


@admin.register(ContactBook)
class ContactBookAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "owner", "source", "created_at", "expires_at")
