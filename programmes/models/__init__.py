from .adopters import (
    AdopterCandidate,
    AdopterSite,
    CandidateScore,
    Cohort,
    SiteAdaptation,
    Sponsor,
    SponsorNote,
)
from .base import Programme, ProgrammeQuerySet
from .feasibility import (
    AssessmentScore,
    ReplicabilityAssessment,
    ScalingStrategy,
    StrategyComponent,
    StrategyModel,
)
from .funding import FundingOption, FundingPool, OptionSite, Payment
from .governance import (
    ActionItem,
    Attendance,
    AwarenessAction,
    BodyMember,
    Decision,
    GovernanceBody,
    Meeting,
    MeetingDocument,
    Stakeholder,
)
from .pipeline import STAGE_ORDER, ScalingProject, StageEvent, StagePlan, Stage, stage_index
from .training import (
    Registration,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
)

__all__ = [
    "STAGE_ORDER", "ActionItem", "AdopterCandidate", "AdopterSite", "AssessmentScore",
    "Attendance", "AwarenessAction", "BodyMember", "CandidateScore", "Cohort", "Decision",
    "FundingOption", "FundingPool", "GovernanceBody", "Meeting", "MeetingDocument",
    "OptionSite", "Payment", "Programme", "ProgrammeQuerySet", "Registration",
    "ReplicabilityAssessment", "ScalingProject", "ScalingStrategy", "SiteAdaptation",
    "Sponsor", "SponsorNote", "Stage", "StageEvent", "StagePlan", "Stakeholder",
    "StrategyComponent", "StrategyModel", "ToolkitAcknowledgement", "ToolkitItem",
    "TrainingModule", "TrainingSession", "stage_index",
]
