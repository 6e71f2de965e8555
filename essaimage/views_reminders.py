"""The reminders page of a scaling project ("Relances"), for its staff: the reminders sent about
its meetings, actions, trainings and reporting periods (from the sent-log, essaimage.models.
SentReminder), those the sources will send in the next 30 days, and the buttons that pause a
committee's or a site's reminders and send a failed one again.

It lives in essaimage because it shows what every app registered (essaimage.reminders); it
reads the project through programmes' access helpers, as every project page does.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from programmes.models import AdopterSite, GovernanceBody
from programmes.permissions import get_body_for_user, get_project_for_user, get_site_for_user
from programmes.services.adopters import update_site
from programmes.services.governance import save_body

from .forms import flash_service_error
from .models import SentReminder
from .pagination import query_without
from .reminders import (
    PLANNED_DAYS,
    describe,
    kind_choices,
    planned_reminders,
    project_reminders,
    retry_reminder,
)

PAGE_SIZE = 25
PLANNED_PAGE_SIZE = 25
ACTIVE_SITES = [status for status in AdopterSite.Status.values
                if status not in (AdopterSite.Status.CANDIDATE, AdopterSite.Status.WITHDRAWN)]


class ReminderFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Reminder"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("All statuses")), *SentReminder.Status.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All reminders")), *kind_choices()]


class SitePauseForm(forms.Form):
    site = forms.ModelChoiceField(label=gettext_lazy("Site"), queryset=AdopterSite.objects.none())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = (
            AdopterSite.objects.filter(project=project, status__in=ACTIVE_SITES,
                                       reminders_paused=False)
            .select_related("structure", "territory").order_by("structure__name", "pk"))


@login_required
def project_reminders_page(request, project_pk):
    project = get_project_for_user(request.user, project_pk, write=True)
    filters = ReminderFilterForm(request.GET or None)
    kind = status = ""
    if filters.is_valid():
        kind, status = filters.cleaned_data["kind"], filters.cleaned_data["status"]
    page = Paginator(project_reminders(project.pk, kind=kind, status=status),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    describe(page.object_list)

    planned = [r for r in planned_reminders(project.pk) if not kind or r.kind == kind]
    planned_page = Paginator(planned, PLANNED_PAGE_SIZE).get_page(request.GET.get("a_venir"))

    bodies = list(GovernanceBody.objects.filter(project=project).order_by("kind", "name"))
    paused_sites = list(AdopterSite.objects.filter(project=project, reminders_paused=True)
                        .select_related("structure", "territory")
                        .order_by("structure__name", "pk"))
    context = {
        "project": project,
        "tab": "reminders",
        "filters": filters,
        "page": page,
        "query": query_without(request, "page"),
        "planned_page": planned_page,
        "planned_query": query_without(request, "a_venir"),
        "planned_days": PLANNED_DAYS,
        "bodies": bodies,
        "paused_sites": paused_sites,
        "site_form": SitePauseForm(project=project),
    }
    return render(request, "reminders/project_reminders.html", context)


def _back(project_pk):
    return redirect(reverse("reminders:project", args=[project_pk]))


def _paused(request) -> bool:
    return request.POST.get("paused") == "1"


@login_required
@require_POST
def body_pause(request, pk):
    body = get_body_for_user(request.user, pk, write=True)
    paused = _paused(request)
    try:
        save_body(body.project, by=request.user, body=body, reminders_paused=paused)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, (_("Reminders of %(body)s are paused.") if paused
                                   else _("Reminders of %(body)s are sent again."))
                         % {"body": body.name})
    return _back(body.project_id)


@login_required
@require_POST
def site_pause(request, project_pk):
    project = get_project_for_user(request.user, project_pk, write=True)
    paused = _paused(request)
    if paused:
        form = SitePauseForm(request.POST, project=project)
        if not form.is_valid():
            messages.error(request, _("Choose a site of the project."))
            return _back(project.pk)
        site = form.cleaned_data["site"]
    else:
        site_pk = request.POST.get("site", "")
        if not site_pk.isdigit():
            raise Http404
        site = get_site_for_user(request.user, int(site_pk), write=True)
        if site.project_id != project.pk:
            raise Http404
    try:
        update_site(site, by=request.user, name=site.name, start_date=site.start_date,
                    reminders_paused=paused)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, (_("Reminders to %(site)s are paused.") if paused
                                   else _("Reminders to %(site)s are sent again."))
                         % {"site": site})
    return _back(project.pk)


@login_required
@require_POST
def retry(request, pk):
    reminder = get_object_or_404(SentReminder.objects.exclude(project_id=None), pk=pk)
    project = get_project_for_user(request.user, reminder.project_id, write=True)
    if retry_reminder(reminder):
        messages.success(request, _("The reminder is queued again."))
    else:
        messages.info(request, _("This reminder has not failed: nothing to send again."))
    return _back(project.pk)
