"""The project's registers, under its Governance tab: every meeting of its bodies and every
decision taken there, filtered, paginated and exported."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from essaimage import exports
from essaimage.pagination import query_without

from ..exports import DECISION_COLUMNS, MEETING_COLUMNS
from ..filters import DecisionFilter, MeetingFilter, visible_decisions, visible_meetings
from ..permissions import get_project_for_user

MEETINGS_PAGE_SIZE = 30
DECISIONS_PAGE_SIZE = 50


def _meetings(request, pk):
    # Readers of the project see every meeting; a committee member those of their committee.
    project = get_project_for_user(request.user, pk)
    filterset = MeetingFilter(request.GET or None,
                              queryset=visible_meetings(project, request.user),
                              project=project, user=request.user)
    return project, filterset


def _decisions(request, pk):
    project = get_project_for_user(request.user, pk)
    filterset = DecisionFilter(request.GET or None,
                               queryset=visible_decisions(project, request.user),
                               project=project, user=request.user)
    return project, filterset


@login_required
def meeting_list(request, pk):
    project, filterset = _meetings(request, pk)
    page = Paginator(filterset.qs, MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"project": project, "tab": "governance", "subtab": "meetings",
               "filterset": filterset, "page": page, "query": query_without(request, "page")}
    return render(request, "programmes/governance/meeting_list.html", context)


@login_required
def meeting_export(request, pk, fmt):
    exports.export_format(fmt)
    project, filterset = _meetings(request, pk)
    return exports.export_response(
        fmt, exports.rows_of(filterset.qs), MEETING_COLUMNS,
        filename=exports.dated_filename(f"reunions-{project.pk}"), sheet_title=_("Meetings"))


@login_required
def decision_list(request, pk):
    project, filterset = _decisions(request, pk)
    page = Paginator(filterset.qs, DECISIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"project": project, "tab": "governance", "subtab": "decisions",
               "filterset": filterset, "page": page, "query": query_without(request, "page")}
    return render(request, "programmes/governance/decision_list.html", context)


@login_required
def decision_export(request, pk, fmt):
    exports.export_format(fmt)
    project, filterset = _decisions(request, pk)
    return exports.export_response(
        fmt, exports.rows_of(filterset.qs), DECISION_COLUMNS,
        filename=exports.dated_filename(f"decisions-{project.pk}"), sheet_title=_("Decisions"))
