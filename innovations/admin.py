from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AdoptionChoice,
    Answer,
    Application,
    Call,
    College,
    Comment,
    Component,
    Criterion,
    EconomicLine,
    Endorsement,
    Innovation,
    Partner,
    Question,
    Resource,
    ResourceRating,
    ReviewAssignment,
    Revision,
    ScalingModelChoice,
    Score,
    Step,
    TargetPublic,
    Theme,
)


@admin.register(Theme, TargetPublic)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    autocomplete_fields = ["structure"]


class EconomicLineInline(admin.TabularInline):
    model = EconomicLine
    extra = 0


class ScalingModelChoiceInline(admin.TabularInline):
    model = ScalingModelChoice
    extra = 0


@admin.register(Innovation)
class InnovationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "status", "stage", "evidence_level", "published_at"]
    list_filter = ["status", "stage", "evidence_level", "is_public_innovation", "themes"]
    search_fields = ["title", "summary", "owner__name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner", "territories"]
    filter_horizontal = ["themes", "publics"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    inlines = [ComponentInline, StepInline, PartnerInline, EconomicLineInline,
               ScalingModelChoiceInline]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["innovation", "number", "author", "created_at", "comment"]
    list_select_related = ["innovation", "author"]
    search_fields = ["innovation__title", "comment"]
    readonly_fields = ["innovation", "number", "author", "created_at", "snapshot", "comment"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class CollegeInline(admin.TabularInline):
    model = College
    extra = 0


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "organiser", "opens_at", "closes_at", "published_at",
                    "is_archived"]
    list_filter = ["kind", "is_archived", "scaling_plan"]
    search_fields = ["title", "description", "organiser__name"]
    list_select_related = ["organiser"]
    autocomplete_fields = ["organiser", "managers", "eligible_territories",
                           "offered_innovations"]
    filter_horizontal = ["themes"]
    date_hierarchy = "closes_at"
    inlines = [QuestionInline, CriterionInline, CollegeInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question"]


class AdoptionChoiceInline(admin.TabularInline):
    model = AdoptionChoice
    extra = 0
    autocomplete_fields = ["innovation"]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "structure", "call", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "structure__name", "call__title"]
    list_select_related = ["structure", "call"]
    autocomplete_fields = ["structure", "territory", "innovation"]
    readonly_fields = ["created_at", "submitted_at", "submitted_by", "decided_at", "decided_by"]
    inlines = [AnswerInline, AdoptionChoiceInline]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["application", "reviewer", "college", "status", "weighted_score",
                    "submitted_at"]
    list_filter = ["status", "college__call"]
    search_fields = ["application__title", "reviewer__email", "reviewer__last_name"]
    list_select_related = ["application", "reviewer", "college"]
    autocomplete_fields = ["reviewer"]
    raw_id_fields = ["application"]
    inlines = [ScoreInline]


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "innovation", "licence", "version", "download_count",
                    "is_published"]
    list_filter = ["kind", "licence", "is_published"]
    search_fields = ["title", "description"]
    list_select_related = ["innovation"]
    autocomplete_fields = ["innovation", "structure"]


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["innovation", "kind", "user", "structure", "created_at"]
    list_filter = ["kind"]
    search_fields = ["innovation__title", "user__email", "structure__name"]
    list_select_related = ["innovation", "user", "structure"]


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["innovation", "author", "created_at", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "innovation__title"]
    list_select_related = ["innovation", "author"]


@admin.register(ResourceRating)
class ResourceRatingAdmin(admin.ModelAdmin):
    list_display = ["resource", "user", "stars", "created_at"]
    list_select_related = ["resource", "user"]


@admin.register(College, Criterion, Question)
class CallPartAdmin(admin.ModelAdmin):
    list_display = ["__str__", "call"]
    list_select_related = ["call"]
    search_fields = ["call__title"]


@admin.register(Score)
class ScoreAdmin(SimpleHistoryAdmin):
    list_display = ["assignment", "criterion", "value"]
    list_select_related = ["assignment", "criterion"]
