from django.contrib import admin
from django.db import models
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, Membership, Structure, Territory, User


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
