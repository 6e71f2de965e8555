"""The evaluations pages, under /evaluations/. Each part of the app keeps its routes in its own
module (plans, fidelity, questionnaires, indicators, reporting, dashboards)."""

from importlib import import_module

app_name = "evaluations"

PARTS = ["plans", "fidelity", "questionnaires", "indicators", "reporting", "dashboards"]


def _routes_of(part):
    try:
        module = import_module(f"evaluations.urls.{part}")
    except ModuleNotFoundError as error:
        if error.name != f"evaluations.urls.{part}":
            raise
        return []
    return module.urlpatterns


urlpatterns = [route for part in PARTS for route in _routes_of(part)]
