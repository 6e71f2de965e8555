from .fidelity import (
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityLevelDescription,
    FidelityRating,
    FidelityScale,
)
from .indicators import (
    Disaggregation,
    DisaggregationCategory,
    Indicator,
    IndicatorTarget,
    ScaleLevel,
    StandardIndicator,
    StandardScaleLevel,
)
from .plans import EvaluationPhase, EvaluationPlan, PhaseReport
from .questionnaires import Answer, Question, Questionnaire, QuestionnaireAssignment
from .reporting import Evidence, IndicatorValue, ReportingPeriod, SiteReport
from .sharing import DashboardShare

__all__ = [
    "Answer", "DashboardShare", "Disaggregation", "DisaggregationCategory", "EvaluationPhase",
    "EvaluationPlan",
    "Evidence", "FidelityAssessment", "FidelityDomain", "FidelityItem",
    "FidelityLevelDescription", "FidelityRating", "FidelityScale", "Indicator",
    "IndicatorTarget", "IndicatorValue", "PhaseReport", "Question", "Questionnaire",
    "QuestionnaireAssignment", "ReportingPeriod", "ScaleLevel", "SiteReport",
    "StandardIndicator", "StandardScaleLevel",
]
