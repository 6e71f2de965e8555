"""The evaluations pages, under /evaluations/. Each part of the app keeps its routes in its own
module."""

from . import dashboards, fidelity, indicators, plans, portfolio, questionnaires, reporting

app_name = "evaluations"

urlpatterns = [
    *plans.urlpatterns,
    *indicators.urlpatterns,
    *reporting.urlpatterns,
    *dashboards.urlpatterns,
    *portfolio.urlpatterns,
    *fidelity.urlpatterns,
    *questionnaires.urlpatterns,
]
