"""People, structures, their memberships and the French territories they work on."""

import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import validate_postal_code, validate_rna, validate_siret


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so that "emmaus" matches "Emmaüs"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- People ---------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. They sign in with their e-mail address; roles come from memberships."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )

    # A password hash has no business in an audit trail.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def has_complete_profile(self) -> bool:
        return bool(self.first_name and self.last_name)


# --- Territories ----------------------------------------------------------------


class TerritoryQuerySet(models.QuerySet):
    def regions(self):
        return self.filter(kind=Territory.Kind.REGION)

    def departments(self):
        return self.filter(kind=Territory.Kind.DEPARTMENT)


class Territory(models.Model):
    """A French administrative area identified by its INSEE code (COG).

    Régions and départements are loaded by a data migration from
    `communities/data/territories.csv`; communes and EPCI can join later as other kinds.
    """

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        DEPARTMENT = "department", _("Département")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    code = models.CharField(_("INSEE code"), max_length=10)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent territory"),
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_kind_code"),
        ]

    def __str__(self):
        if self.kind == self.Kind.DEPARTMENT:
            return f"{self.name} ({self.code})"
        return self.name


# --- Structures -----------------------------------------------------------------


class StructureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False)

    def visible_to(self, user):
        """The directory is open to every signed-in person; archived entries to admins only."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.active()

    def managed_by(self, user):
        return self.filter(
            memberships__user=user, memberships__role=Membership.Role.MANAGER
        ).distinct()

    def with_territories(self):
        return self.select_related("department", "region")

    def search(self, text: str):
        words = fold(text).split()
        queryset = self
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset


class Structure(models.Model):
    """An organisation: association, local authority, State service, company, funder..."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        STATE_SERVICE = "state_service", _("State service")
        PUBLIC_BODY = "public_body", _("Public body")
        COMPANY = "company", _("Company")
        SOCIAL_ENTERPRISE = "social_enterprise", _("Social economy enterprise")
        FOUNDATION = "foundation", _("Foundation")
        NETWORK_HEAD = "network_head", _("Network head")
        FUNDER = "funder", _("Funder")
        RESEARCH = "research", _("Research or evaluation body")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits, as on the INSEE register."),
    )
    rna = models.CharField(
        _("RNA number"),
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text=_("For associations: W followed by 9 digits, e.g. W751234567."),
    )
    street_address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("city"), max_length=150, blank=True)
    department = models.ForeignKey(
        Territory,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="structures_in_department",
        limit_choices_to={"kind": Territory.Kind.DEPARTMENT},
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        Territory,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="structures_in_region",
        limit_choices_to={"kind": Territory.Kind.REGION},
        verbose_name=_("region"),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The identifier the structure has in another tool (a spreadsheet, a CRM): imports match
    # rows on it when there is no SIRET or RNA.
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True)

    search_text = models.TextField(editable=False, default="")
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="structure_unique_siret"
            ),
            models.UniqueConstraint(
                fields=["rna"], condition=~Q(rna=""), name="structure_unique_rna"
            ),
            models.UniqueConstraint(
                fields=["external_ref"], condition=~Q(external_ref=""),
                name="structure_unique_external_ref"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "name"], name="structure_kind_name"),
            # The directory's order, so that a deep page does not sort the whole table.
            models.Index(fields=["is_archived", "name", "id"], name="structure_archived_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communities:structure_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        # The region always follows the département, so a filter by region finds it.
        if self.department_id:
            self.region_id = self.department.parent_id
        self.search_text = fold(" ".join([self.name, self.acronym, self.city, self.siret, self.rna]))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "region"}
        super().save(*args, **kwargs)

    @property
    def territory_label(self) -> str:
        if self.department_id:
            return str(self.department)
        if self.region_id:
            return str(self.region)
        return ""


# --- Memberships and invitations ------------------------------------------------------


class MembershipQuerySet(models.QuerySet):
    def managers(self):
        return self.filter(role=Membership.Role.MANAGER)

    def visible_to(self, user):
        """Members of a structure see each other; admins see everyone."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(structure__memberships__user=user)


class Membership(models.Model):
    """A person's place in a structure."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    structure = models.ForeignKey(
        Structure, models.CASCADE, related_name="memberships", verbose_name=_("structure")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(_("member since"), default=timezone.now)

    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["structure__name", "user__last_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.structure} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER


def new_invitation_key() -> str:
    return secrets.token_urlsafe(32)


def default_invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def open(self):
        """Neither accepted nor revoked (possibly expired, so it can be sent again)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def visible_to(self, user):
        """Managers of the inviting structure see its invitations; admins see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            structure__memberships__user=user,
            structure__memberships__role=Membership.Role.MANAGER,
        )

    def addressed_to(self, user):
        return self.filter(email__iexact=user.email)


class Invitation(models.Model):
    """An e-mailed offer to join a structure; its link works once and expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    structure = models.ForeignKey(
        Structure, models.CASCADE, related_name="invitations", verbose_name=_("structure")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=20, choices=Membership.Role, default=Membership.Role.MEMBER
    )
    language = models.CharField(
        _("language of the e-mail"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    key = models.CharField(max_length=64, unique=True, default=new_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=default_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["key"])

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "structure",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.structure}"

    def get_absolute_url(self):
        return reverse("communities:invitation_accept", args=[self.key])

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
