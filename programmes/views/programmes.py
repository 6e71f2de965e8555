from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ..models import Programme
from ..permissions import can_edit_programme, get_programme_for_user


@login_required
def programme_list(request):
    programmes = Programme.objects.visible_to(request.user).select_related("lead_structure")
    page = Paginator(programmes, 25).get_page(request.GET.get("page"))
    return render(request, "programmes/programme_list.html", {"page": page})


@login_required
def programme_detail(request, pk):
    programme = get_programme_for_user(request.user, pk)
    context = {
        "programme": programme,
        "staff": programme.staff.order_by("last_name", "first_name"),
        "funders": programme.funders.select_related("department", "region"),
        "can_edit": can_edit_programme(request.user, programme),
    }
    return render(request, "programmes/programme_detail.html", context)
