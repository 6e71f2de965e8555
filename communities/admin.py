from django.contrib import admin
from django.db import models
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    CodevContribution,
    CodevSession,
    Event,
    EventRegistration,
    Invitation,
    Membership,
    Notification,
    NotificationPreference,
    Post,
    Space,
    SpaceMember,
    Structure,
    Territory,
    Thread,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "structure"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "job_title", "is_staff", "is_active",
                    "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "groups"]
    search_fields = ["email", "first_name", "last_name", "job_title"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identity"), {"fields": ["first_name", "last_name", "job_title", "phone", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    def get_readonly_fields(self, request, obj=None):
        # Only superusers hand out powers, or staff could promote themselves.
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["last_login", "date_joined", "is_staff", "is_superuser", "groups",
                "user_permissions"]

    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"]}),
    ]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    ordering = ["kind", "code"]


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "acronym", "kind", "department", "region", "siret", "rna",
                    "is_archived", "updated_at"]
    list_filter = ["kind", "is_archived", "region"]
    search_fields = ["name", "acronym", "siret", "rna", "city", "postal_code"]
    list_select_related = ["department", "region"]
    autocomplete_fields = ["department", "region", "created_by"]
    readonly_fields = ["created_at", "updated_at", "created_by"]
    inlines = [MembershipInline]
    actions = ["archive", "restore"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description=_("Archive the selected structures"))
    def archive(self, request, queryset):
        for structure in queryset.filter(is_archived=False):
            structure.is_archived = True
            structure.save(update_fields=["is_archived"])

    @admin.action(description=_("Restore the selected structures"))
    def restore(self, request, queryset):
        for structure in queryset.filter(is_archived=True):
            structure.is_archived = False
            structure.save(update_fields=["is_archived"])


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "structure", "role", "created_at"]
    list_filter = ["role", "structure__kind"]
    search_fields = ["user__email", "user__last_name", "structure__name"]
    list_select_related = ["user", "structure"]
    autocomplete_fields = ["user", "structure"]


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "structure", "role", "status_label", "invited_by", "created_at",
                    "expires_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter),
                   ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "structure__name"]
    list_select_related = ["structure", "invited_by"]
    autocomplete_fields = ["structure", "invited_by", "accepted_by"]
    readonly_fields = ["created_at", "sent_at", "accepted_at", "accepted_by"]

    @admin.display(description=_("status"))
    def status_label(self, invitation):
        return invitation.get_status_display()


# --- The life of the community -----------------------------------------------------------


class SpaceMemberInline(admin.TabularInline):
    model = SpaceMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Space)
class SpaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_archived", "created_at"]
    list_filter = ["kind", "is_archived"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["structures"]
    inlines = [SpaceMemberInline]


class PostInline(admin.StackedInline):
    model = Post
    extra = 0
    fields = ["author", "body", "is_hidden", "hidden_reason", "hidden_by"]
    autocomplete_fields = ["author", "hidden_by"]


@admin.register(Thread)
class ThreadAdmin(SimpleHistoryAdmin):
    list_display = ["title", "space", "kind", "author", "reply_count", "is_pinned", "is_locked",
                    "is_hidden", "last_activity_at"]
    list_filter = ["kind", "is_pinned", "is_locked", "is_hidden", "space"]
    search_fields = ["title", "posts__body"]
    list_select_related = ["space", "author"]
    autocomplete_fields = ["author", "hidden_by"]
    raw_id_fields = ["helpful_post"]
    inlines = [PostInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "post", "size", "uploaded_at"]
    raw_id_fields = ["post"]


class CodevContributionInline(admin.TabularInline):
    model = CodevContribution
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(CodevSession)
class CodevSessionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "space", "case_holder", "facilitator", "scheduled_at", "step"]
    list_filter = ["step", "space"]
    search_fields = ["title", "problem_statement", "action_plan"]
    autocomplete_fields = ["case_holder", "facilitator", "consultants"]
    inlines = [CodevContributionInline]


class EventRegistrationInline(admin.TabularInline):
    model = EventRegistration
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "starts_at", "capacity", "organiser", "is_cancelled"]
    list_filter = ["kind", "is_cancelled"]
    search_fields = ["title", "description", "place"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organiser", "spaces"]
    inlines = [EventRegistrationInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "delivery", "created_at", "read_at",
                    "emailed_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    autocomplete_fields = ["recipient", "actor"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    autocomplete_fields = ["user"]
