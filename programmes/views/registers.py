"""The project's registers, under its Governance tab: every meeting of its bodies and every
decision taken there, filtered, paginated and exported."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essaimage import exports
from essaimage.pagination import query_without

from ..exports import DECISION_COLUMNS, MEETING_COLUMNS
from ..filters import DecisionFilter, MeetingFilter, visible_decisions, visible_meetings
from ..permissions import get_project_for_user


@dataclass(frozen=True)
class Register:
    """What a register lists, and how its page and export show it."""

    subtab: str
    filterset_class: type
    rows: Callable  # (project, user) → the rows the person may read
    page_size: int
    template: str
    columns: tuple
    file_prefix: str
    sheet_title: Promise


# Readers of the project see every meeting; a committee member those of their committee.
MEETINGS = Register("meetings", MeetingFilter, visible_meetings, 30,
                    "programmes/governance/meeting_list.html", MEETING_COLUMNS, "reunions",
                    _("Meetings"))
DECISIONS = Register("decisions", DecisionFilter, visible_decisions, 50,
                     "programmes/governance/decision_list.html", DECISION_COLUMNS, "decisions",
                     _("Decisions"))


def _filtered(request, pk, register: Register):
    project = get_project_for_user(request.user, pk)
    filterset = register.filterset_class(request.GET or None,
                                         queryset=register.rows(project, request.user),
                                         project=project, user=request.user)
    return project, filterset


def _register_page(request, pk, register: Register):
    project, filterset = _filtered(request, pk, register)
    page = Paginator(filterset.qs, register.page_size).get_page(request.GET.get("page"))
    context = {"project": project, "tab": "governance", "subtab": register.subtab,
               "filterset": filterset, "page": page, "query": query_without(request, "page")}
    return render(request, register.template, context)


def _register_export(request, pk, fmt, register: Register):
    exports.export_format(fmt)
    project, filterset = _filtered(request, pk, register)
    return exports.export_response(
        fmt, exports.rows_of(filterset.qs), register.columns,
        filename=exports.dated_filename(f"{register.file_prefix}-{project.pk}"),
        sheet_title=str(register.sheet_title))


@login_required
def meeting_list(request, pk):
    return _register_page(request, pk, MEETINGS)


@login_required
def meeting_export(request, pk, fmt):
    return _register_export(request, pk, fmt, MEETINGS)


@login_required
def decision_list(request, pk):
    return _register_page(request, pk, DECISIONS)


@login_required
def decision_export(request, pk, fmt):
    return _register_export(request, pk, fmt, DECISIONS)
