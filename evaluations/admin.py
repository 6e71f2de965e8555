from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Answer,
    Disaggregation,
    DisaggregationCategory,
    EvaluationPhase,
    EvaluationPlan,
    Evidence,
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityLevelDescription,
    FidelityRating,
    FidelityScale,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    PhaseReport,
    Question,
    Questionnaire,
    QuestionnaireAssignment,
    ReportingPeriod,
    ScaleLevel,
    SiteReport,
    StandardIndicator,
    StandardScaleLevel,
)

# --- Plans and phases ------------------------------------------------------------------------


class EvaluationPhaseInline(admin.StackedInline):
    model = EvaluationPhase
    extra = 0
    autocomplete_fields = ["evaluator_structure"]


@admin.register(EvaluationPlan)
class EvaluationPlanAdmin(SimpleHistoryAdmin):
    list_display = ["project", "updated_at"]
    search_fields = ["project__title", "summary"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    inlines = [EvaluationPhaseInline]


class PhaseReportInline(admin.TabularInline):
    model = PhaseReport
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(EvaluationPhase)
class EvaluationPhaseAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "status", "evaluator", "starts_on", "ends_on"]
    list_filter = ["number", "status"]
    search_fields = ["plan__project__title", "questions", "evaluator"]
    list_select_related = ["plan__project"]
    raw_id_fields = ["plan"]
    autocomplete_fields = ["evaluator_structure"]
    inlines = [PhaseReportInline]


# --- Indicators ------------------------------------------------------------------------------


class StandardScaleLevelInline(admin.TabularInline):
    model = StandardScaleLevel
    extra = 0


@admin.register(StandardIndicator)
class StandardIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "measure", "phase", "theme", "is_active"]
    list_filter = ["kind", "measure", "phase", "theme", "is_active"]
    search_fields = ["code", "name", "definition"]
    list_select_related = ["theme"]
    inlines = [StandardScaleLevelInline]


class ScaleLevelInline(admin.TabularInline):
    model = ScaleLevel
    extra = 0


class DisaggregationInline(admin.TabularInline):
    model = Disaggregation
    extra = 0
    show_change_link = True


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0
    raw_id_fields = ["site", "category"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "project", "kind", "measure", "phase", "reported_by",
                    "period_aggregation", "site_aggregation", "is_active"]
    list_filter = ["kind", "measure", "phase", "reported_by", "frequency", "is_active"]
    search_fields = ["code", "name", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project", "standard"]
    raw_id_fields = ["cost_avoided_line"]
    inlines = [ScaleLevelInline, DisaggregationInline, IndicatorTargetInline]


class DisaggregationCategoryInline(admin.TabularInline):
    model = DisaggregationCategory
    extra = 0


@admin.register(Disaggregation)
class DisaggregationAdmin(admin.ModelAdmin):
    list_display = ["label", "dimension", "indicator"]
    list_filter = ["dimension"]
    search_fields = ["label", "indicator__code", "indicator__name"]
    list_select_related = ["indicator"]
    raw_id_fields = ["indicator"]
    inlines = [DisaggregationCategoryInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "site", "category", "period_end", "value", "level"]
    list_filter = ["period_end"]
    search_fields = ["indicator__code", "indicator__name", "indicator__project__title"]
    list_select_related = ["indicator", "site__structure", "site__territory", "category"]
    raw_id_fields = ["indicator", "site", "category"]


# --- Reporting -------------------------------------------------------------------------------


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "project", "frequency", "starts_on", "ends_on", "due_on"]
    list_filter = ["frequency"]
    search_fields = ["label", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    date_hierarchy = "starts_on"


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["indicator", "category", "value", "numerator", "denominator", "level", "status",
              "review_comment"]
    raw_id_fields = ["indicator", "category"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(SiteReport)
class SiteReportAdmin(SimpleHistoryAdmin):
    list_display = ["site", "period", "status", "submitted_at", "validated_at", "locked_at"]
    list_filter = ["status", "period__frequency"]
    search_fields = ["site__name", "site__structure__name", "period__label",
                     "period__project__title"]
    list_select_related = ["site__structure", "site__territory", "period"]
    raw_id_fields = ["site", "period", "submitted_by", "validated_by"]
    inlines = [IndicatorValueInline, EvidenceInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "report", "category", "value", "numerator", "denominator",
                    "level", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["indicator__code", "indicator__name", "report__site__structure__name"]
    list_select_related = ["indicator", "report__site__structure", "report__site__territory",
                           "report__period", "category"]
    raw_id_fields = ["report", "indicator", "category", "updated_by"]


# --- Fidelity --------------------------------------------------------------------------------


class FidelityDomainInline(admin.TabularInline):
    model = FidelityDomain
    extra = 0
    show_change_link = True


@admin.register(FidelityScale)
class FidelityScaleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "max_level", "alert_threshold"]
    search_fields = ["title", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    inlines = [FidelityDomainInline]


class FidelityItemInline(admin.TabularInline):
    model = FidelityItem
    extra = 0
    raw_id_fields = ["component"]
    show_change_link = True


@admin.register(FidelityDomain)
class FidelityDomainAdmin(admin.ModelAdmin):
    list_display = ["name", "scale", "position"]
    search_fields = ["name", "scale__title"]
    list_select_related = ["scale"]
    raw_id_fields = ["scale"]
    inlines = [FidelityItemInline]


class FidelityLevelDescriptionInline(admin.TabularInline):
    model = FidelityLevelDescription
    extra = 0


@admin.register(FidelityItem)
class FidelityItemAdmin(admin.ModelAdmin):
    list_display = ["label", "domain", "component", "position"]
    search_fields = ["label", "domain__name", "domain__scale__title"]
    list_select_related = ["domain", "component"]
    raw_id_fields = ["domain", "component"]
    inlines = [FidelityLevelDescriptionInline]


class FidelityRatingInline(admin.TabularInline):
    model = FidelityRating
    extra = 0
    raw_id_fields = ["item"]


@admin.register(FidelityAssessment)
class FidelityAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["site", "assessed_on", "method", "status", "rater", "rater_name"]
    list_filter = ["method", "status"]
    search_fields = ["site__name", "site__structure__name", "rater_name", "rater__email"]
    list_select_related = ["site__structure", "site__territory", "rater"]
    raw_id_fields = ["site", "rater"]
    date_hierarchy = "assessed_on"
    inlines = [FidelityRatingInline]


# --- Questionnaires --------------------------------------------------------------------------


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "status", "opens_on", "closes_on"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    inlines = [QuestionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ["question"]


@admin.register(QuestionnaireAssignment)
class QuestionnaireAssignmentAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "site", "person", "peer_site", "due_on", "status"]
    list_filter = ["status", "questionnaire__kind"]
    search_fields = ["questionnaire__title", "site__structure__name", "person__email",
                     "person__last_name"]
    list_select_related = ["questionnaire", "site__structure", "site__territory", "person",
                           "peer_site__structure", "peer_site__territory"]
    raw_id_fields = ["questionnaire", "site", "person", "peer_site"]
    inlines = [AnswerInline]
