from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.phones import normalize_phone, person_label
from groupbuy.core.ids import PublicIdField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, phone, password, **extra_fields):
        user = self.model(phone=normalize_phone(phone), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra_fields)

    def create_superuser(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(phone, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Shopper by default; operator when ``is_staff``; merchant staff
    through ``MerchantMembership``."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    class ContactChannel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        IN_APP = "in_app", _("In-app only")

    public_id = PublicIdField(prefix="usr", verbose_name=_("number"))
    phone = models.CharField(_("phone number"), max_length=20, unique=True)
    email = models.EmailField(_("email"), blank=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    contact_channel = models.CharField(
        _("notify me by"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.SMS,
        help_text=_("Besides the in-app inbox, how important news reaches you."),
    )
    # Kinds of notification (``deals.deal.succeeded``…) this person keeps to the
    # inbox: no SMS, e-mail or push for them, whatever contact_channel says.
    inbox_only_kinds = models.JSONField(
        _("kept to the inbox"), default=list, blank=True
    )
    is_staff = models.BooleanField(_("operator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(
        default=timezone.now, verbose_name=_("signed up at")
    )
    # Set when the person proved the number is theirs with an SMS code; accounts
    # made before codes existed (and the demo accounts) have none.
    phone_verified_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("phone verified at")
    )
    # Set when the person confirmed a link sent to ``email``; cleared when the
    # address changes (services.email_verification).
    email_verified_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("e-mail verified at")
    )
    email_verification_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("e-mail confirmation sent at")
    )

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            # Whether another operator remains (an operator's own erasure
            # page asks it): a few rows, not a scan of every shopper.
            models.Index(
                fields=["id"],
                condition=models.Q(is_staff=True, is_active=True),
                name="accounts_user_active_staff",
            ),
        ]

    def __str__(self):
        return self.display_name or self.phone

    @property
    def is_operator(self) -> bool:
        return self.is_staff


class MerchantMembership(models.Model):
    """A person working for a merchant, optionally at one branch."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        CASHIER = "cashier", _("Cashier")

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("merchant"),
    )
    role = models.CharField(
        max_length=10,
        choices=Role.choices,
        default=Role.CASHIER,
        verbose_name=_("role"),
    )
    branch = models.ForeignKey(
        "catalog.Branch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("branch"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "merchant"], name="one_membership_per_merchant"
            )
        ]
        verbose_name = _("merchant staff member")
        verbose_name_plural = _("merchant staff")

    def __str__(self):
        # Named as lists name people (admin pages, deletion summaries): not
        # by str(user), the full number of someone with no name.
        return f"{person_label(self.user)} @ {self.merchant} ({self.role})"


def default_token_expiry():
    return timezone.now() + timedelta(days=settings.GROUPBUY_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for API clients. Only a SHA-256 of the secret is stored.

    A token works until ``expires_at`` or until its owner revokes it.
    """

    public_id = PublicIdField(prefix="tok", verbose_name=_("number"))
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    name = models.CharField(max_length=60, blank=True, verbose_name=_("name"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last used at")
    )
    expires_at = models.DateTimeField(
        default=default_token_expiry, verbose_name=_("expires at")
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("revoked at")
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"token {self.name or self.pk} for {person_label(self.user)}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class PhoneVerification(models.Model):
    """A one-time code sent by SMS to prove a phone number belongs to someone.

    Only an HMAC of the code is stored. A sign-up keeps what the account will be
    made of (the password already hashed) until the code is entered.
    """

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("Sign-up")
        PASSWORD_RESET = "password_reset", _("Password reset")
        PASSWORD_CHANGE = "password_change", _("Password change")
        PHONE_VERIFY = "phone_verify", _("Phone number check")
        PHONE_CHANGE = "phone_change", _("Phone number change")

    public_id = PublicIdField(prefix="vrf", verbose_name=_("number"))
    purpose = models.CharField(
        max_length=20, choices=Purpose.choices, verbose_name=_("purpose")
    )
    phone = models.CharField(max_length=20, verbose_name=_("phone number"))
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phone_verifications",
        verbose_name=_("person"),
    )
    code_hash = models.CharField(max_length=64, verbose_name=_("code hash"))
    pending = models.JSONField(default=dict, blank=True, verbose_name=_("pending"))
    requested_from = models.CharField(
        max_length=45, blank=True, verbose_name=_("requested from")
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    failed_attempts = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("failed attempts")
    )
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        indexes = [
            models.Index(fields=["phone", "created_at"], name="phone_code_by_number"),
            models.Index(
                fields=["requested_from", "created_at"], name="phone_code_by_address"
            ),
        ]
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")

    def __str__(self):
        return f"{self.get_purpose_display()} code for {self.phone}"


class PasswordConfirmAttempt(models.Model):
    """A password typed to confirm a change a stolen session must not make
    (``accounts.reauth``), kept while it counts against the person's limit.

    Its own count, apart from the login lockout (django-axes): a wrong password
    here must never lock the account's owner out of signing in.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="password_confirm_attempts",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"], name="password_confirm_by_user")
        ]
        verbose_name = _("password confirmation attempt")
        verbose_name_plural = _("password confirmation attempts")

    def __str__(self):
        return f"password confirmation by user {self.user_id}"


class PreviousPhone(models.Model):
    """A number the person's account had before they moved it to another.

    Kept so their export and their erasure find what was keyed by that number
    while it was theirs (invitations sent to it, codes, login attempts, texts
    to it), up to ``held_until``: what came to the number after it went, to
    whoever has it next, is not theirs. The number itself, not its hash, since
    an erasure must find it written out in texts. Exported with the account
    and deleted at its erasure; never used to sign in, and only an
    operator's look-up finds the person by it (saying it was a previous one).
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="previous_phones",
        verbose_name=_("person"),
    )
    phone = models.CharField(max_length=20, verbose_name=_("phone number"))
    held_until = models.DateTimeField(verbose_name=_("held until"))

    class Meta:
        ordering = ["held_until", "pk"]
        verbose_name = _("previous phone number")
        verbose_name_plural = _("previous phone numbers")

    def __str__(self):
        return f"previous number of user {self.user_id}"
