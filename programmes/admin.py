from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionItem,
    AdopterCandidate,
    AdopterSite,
    AssessmentScore,
    Attendance,
    AwarenessAction,
    BodyMember,
    CandidateScore,
    Cohort,
    Decision,
    FundingOption,
    FundingPool,
    GovernanceBody,
    Meeting,
    MeetingDocument,
    OptionSite,
    Payment,
    Programme,
    Registration,
    ReplicabilityAssessment,
    ScalingProject,
    ScalingStrategy,
    SiteAdaptation,
    Sponsor,
    SponsorNote,
    Stakeholder,
    StageEvent,
    StagePlan,
    StrategyComponent,
    StrategyModel,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
)


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lead_structure", "start_date", "end_date", "is_archived"]
    list_filter = ["is_archived", "start_date"]
    search_fields = ["name", "lead_structure__name", "description"]
    list_select_related = ["lead_structure"]
    autocomplete_fields = ["lead_structure", "staff", "funders"]
    date_hierarchy = "start_date"


class StagePlanInline(admin.TabularInline):
    model = StagePlan
    extra = 0


class StageEventInline(admin.TabularInline):
    model = StageEvent
    extra = 0
    readonly_fields = ["kind", "from_stage", "to_stage", "reason", "author", "decided_on",
                       "created_at"]
    can_delete = False


@admin.register(ScalingProject)
class ScalingProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "programme", "innovation", "stage", "status", "staff_lead",
                    "is_archived"]
    list_filter = ["stage", "status", "is_archived", "programme"]
    search_fields = ["title", "innovation__title", "programme__name"]
    list_select_related = ["programme", "innovation", "staff_lead"]
    autocomplete_fields = ["programme", "innovation", "staff_lead"]
    inlines = [StagePlanInline, StageEventInline]


class AssessmentScoreInline(admin.TabularInline):
    model = AssessmentScore
    extra = 0


@admin.register(ReplicabilityAssessment)
class ReplicabilityAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["project", "recommendation", "updated_at"]
    list_filter = ["recommendation"]
    search_fields = ["project__title"]
    list_select_related = ["project"]
    inlines = [AssessmentScoreInline]


class StrategyModelInline(admin.TabularInline):
    model = StrategyModel
    extra = 0


class StrategyComponentInline(admin.TabularInline):
    model = StrategyComponent
    extra = 0
    raw_id_fields = ["source"]


@admin.register(ScalingStrategy)
class ScalingStrategyAdmin(SimpleHistoryAdmin):
    list_display = ["project", "balance", "target_sites", "updated_at"]
    search_fields = ["project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["target_territories"]
    inlines = [StrategyModelInline, StrategyComponentInline]


@admin.register(Stakeholder)
class StakeholderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "project", "category", "interest", "influence", "engagement"]
    list_filter = ["category", "engagement"]
    search_fields = ["name", "project__title", "contact"]
    list_select_related = ["project"]
    autocomplete_fields = ["structure"]


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    autocomplete_fields = ["user", "structure"]


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "project", "kind", "frequency", "reminders_paused"]
    list_filter = ["kind", "reminders_paused"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project"]
    inlines = [BodyMemberInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "body", "starts_at", "status", "place"]
    list_filter = ["status", "body__kind"]
    search_fields = ["title", "body__name", "body__project__title"]
    list_select_related = ["body"]
    date_hierarchy = "starts_at"
    inlines = [AttendanceInline, DecisionInline, MeetingDocumentInline]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "meeting", "created_at"]
    list_filter = ["kind"]
    search_fields = ["text", "meeting__title"]
    list_select_related = ["meeting"]


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "owner", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["title", "project__title"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["meeting", "owner", "owner_user"]


@admin.register(AwarenessAction)
class AwarenessActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "kind", "date", "participants"]
    list_filter = ["kind"]
    search_fields = ["title", "project__title", "audience"]
    list_select_related = ["project"]


class CandidateScoreInline(admin.TabularInline):
    model = CandidateScore
    extra = 0


@admin.register(AdopterCandidate)
class AdopterCandidateAdmin(SimpleHistoryAdmin):
    list_display = ["structure", "project", "territory", "status"]
    list_filter = ["status"]
    search_fields = ["structure__name", "project__title"]
    list_select_related = ["structure", "project", "territory"]
    autocomplete_fields = ["structure", "territory"]
    raw_id_fields = ["application"]
    inlines = [CandidateScoreInline]


class SiteAdaptationInline(admin.TabularInline):
    model = SiteAdaptation
    extra = 0


@admin.register(AdopterSite)
class AdopterSiteAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project", "structure", "territory", "status", "start_date"]
    list_filter = ["status", "reminders_paused"]
    search_fields = ["name", "structure__name", "project__title"]
    list_select_related = ["project", "structure", "territory"]
    autocomplete_fields = ["structure", "territory"]
    raw_id_fields = ["candidate"]
    inlines = [SiteAdaptationInline]


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "starts_on", "ends_on"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]
    raw_id_fields = ["sites"]


class SponsorNoteInline(admin.TabularInline):
    model = SponsorNote
    extra = 0


@admin.register(Sponsor)
class SponsorAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project", "site", "role", "since"]
    search_fields = ["user__email", "user__last_name", "structure__name", "project__title"]
    list_select_related = ["project", "site", "user", "structure"]
    autocomplete_fields = ["user", "structure"]
    raw_id_fields = ["site"]
    inlines = [SponsorNoteInline]


@admin.register(TrainingModule)
class TrainingModuleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "pedagogy", "duration_hours", "order"]
    list_filter = ["pedagogy"]
    search_fields = ["title", "project__title"]
    list_select_related = ["project"]
    filter_horizontal = ["components"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["person", "site"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "module", "starts_at", "capacity", "status", "trainer"]
    list_filter = ["status", "is_remote"]
    search_fields = ["module__title", "trainer", "place"]
    list_select_related = ["module"]
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]


@admin.register(ToolkitItem)
class ToolkitItemAdmin(SimpleHistoryAdmin):
    list_display = ["resource", "project", "version", "is_required", "order"]
    search_fields = ["resource__title", "project__title"]
    list_select_related = ["resource", "project"]
    raw_id_fields = ["resource"]


@admin.register(ToolkitAcknowledgement)
class ToolkitAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["item", "site", "version", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["item__resource", "site", "acknowledged_by"]
    raw_id_fields = ["item", "site", "acknowledged_by"]


class FundingOptionInline(admin.TabularInline):
    model = FundingOption
    extra = 0
    autocomplete_fields = ["funder"]


@admin.register(FundingPool)
class FundingPoolAdmin(SimpleHistoryAdmin):
    list_display = ["project", "pilot_site", "proof_of_concept_on"]
    search_fields = ["project__title"]
    list_select_related = ["project", "pilot_site"]
    raw_id_fields = ["pilot_site", "proof_of_concept"]
    inlines = [FundingOptionInline]


class OptionSiteInline(admin.TabularInline):
    model = OptionSite
    extra = 0
    raw_id_fields = ["site"]


@admin.register(FundingOption)
class FundingOptionAdmin(SimpleHistoryAdmin):
    list_display = ["funder", "pool", "amount", "is_lead", "status", "confirmed_on"]
    list_filter = ["status", "is_lead"]
    search_fields = ["funder__name", "pool__project__title"]
    list_select_related = ["funder", "pool__project"]
    autocomplete_fields = ["funder", "territories"]
    inlines = [OptionSiteInline]


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["option", "site", "amount", "paid_on", "reference"]
    search_fields = ["reference", "option__funder__name"]
    list_select_related = ["option__funder", "site"]
    raw_id_fields = ["option", "site"]
    date_hierarchy = "paid_on"
