"""Programmes: the list of those one takes part in, and a programme's page with its projects."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render

from communities.selectors.spaces import space_url_for

from ..models import Programme
from ..permissions import can_edit_programme, get_programme_for_user
from ..selectors import pipeline as selectors


@login_required
def programme_list(request):
    programmes = (Programme.objects.visible_to(request.user).select_related("lead_structure")
                  .annotate(project_count=Count("projects",
                                                filter=Q(projects__is_archived=False)))
                  .order_by("-start_date", "name", "pk"))
    page = Paginator(programmes, 25).get_page(request.GET.get("page"))
    return render(request, "programmes/programme_list.html", {"page": page})


@login_required
def programme_detail(request, pk):
    programme = get_programme_for_user(request.user, pk)
    projects = selectors.programme_projects(programme, request.user)
    page = Paginator(projects, selectors.PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "staff": programme.staff.order_by("last_name", "first_name"),
        "funders": programme.funders.select_related("department", "region"),
        "can_edit": can_edit_programme(request.user, programme),
        "page": page,
        "stage_counts": selectors.stage_counts(projects),
        "space_url": space_url_for(request.user, programme.space_id),
    }
    return render(request, "programmes/programme_detail.html", context)
