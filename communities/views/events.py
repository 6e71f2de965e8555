"""Community events: the list, one event with its seats and registration, organising,
cancelling, the calendar file, attendance and the report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaimage.forms import apply_service_errors, flash_service_error
from essaimage.pagination import query_without
from essaimage.scoping import require

from ..forms.events import AttendanceForm, EventCancelForm, EventForm, ReportForm
from ..permissions import can_create_events, can_manage_event, get_event_for_user
from ..selectors import events as selectors
from ..services import events as services

EVENTS_PAGE_SIZE = 20
R = services.R


@login_required
def event_list(request):
    past = request.GET.get("quand") == "passes"
    space_id = request.GET.get("espace")
    space_id = int(space_id) if space_id and space_id.isdigit() and len(space_id) < 19 else None
    events = selectors.events_for(request.user, past=past, space_id=space_id)
    page = Paginator(events, EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "past": past,
        "space_id": space_id,
        "query": query_without(request, "page"),
        "space_query": f"&espace={space_id}" if space_id else "",
        "can_create": can_create_events(request.user),
    }
    return render(request, "communities/events/event_list.html", context)


def _event_page(request, event, *, status=200):
    event = selectors.event_with_counts(event, request.user)
    can_manage = can_manage_event(request.user, event)
    mine = selectors.my_registration(event, request.user)
    now = timezone.now()
    has_started = event.starts_at <= now
    is_open = not event.is_cancelled and not has_started
    is_registered = mine is not None and mine.status == R.REGISTERED
    context = {
        "event": event,
        "spaces": list(event.spaces.order_by("name")),
        "can_manage": can_manage,
        "mine": mine if mine is not None and mine.status != R.CANCELLED else None,
        "is_open": is_open,
        "has_started": has_started,
        "has_ended": event.ends_at <= now,
        "is_full": event.capacity is not None and event.registered_count >= event.capacity,
        "seats_left": (max(event.capacity - event.registered_count, 0)
                       if event.capacity is not None else None),
        "shows_link": bool(event.link) and (is_registered or can_manage),
        "registrations": selectors.registrations_of(event) if can_manage else None,
    }
    return render(request, "communities/events/event_detail.html", context, status=status)


@login_required
def event_detail(request, pk):
    event = get_event_for_user(request.user, pk)
    return _event_page(request, event)


def _render_form(request, form, event=None, status=200):
    context = {"form": form, "event": event}
    return render(request, "communities/events/event_form.html", context, status=status)


@login_required
def event_create(request):
    require(can_create_events(request.user))
    spaces = selectors.spaces_offered_to(request.user)
    initial = {}
    if request.method != "POST":
        offered = list(spaces[:2])
        if len(offered) == 1:
            initial["spaces"] = [offered[0].pk]
    form = EventForm(request.POST or None, spaces=spaces, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                event = services.create_event(by=request.user,
                                              spaces=form.cleaned_data["spaces"],
                                              **form.event_fields())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The event is published; the people of its "
                                            "spaces are told."))
                return redirect(event)
        return _render_form(request, form, status=400)
    return _render_form(request, form)


@login_required
def event_update(request, pk):
    event = get_event_for_user(request.user, pk, manage=True)
    spaces = selectors.spaces_offered_to(request.user)
    current = list(event.spaces.order_by("name"))
    offered_ids = set(spaces.values_list("pk", flat=True))
    kept = [space for space in current if space.pk not in offered_ids]
    form = EventForm(request.POST or None, spaces=spaces, kept_spaces=kept,
                     initial=EventForm.initial_for(event, current))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_event(event, by=request.user,
                                      spaces=form.cleaned_data["spaces"],
                                      **form.event_fields())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The event is saved."))
                return redirect(event)
        return _render_form(request, form, event, status=400)
    return _render_form(request, form, event)


@login_required
def event_cancel(request, pk):
    event = get_event_for_user(request.user, pk, manage=True)
    form = EventCancelForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cancel_event(event, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The event is cancelled; the people registered "
                                            "and waiting are told by e-mail."))
                return redirect(event)
        status = 400
    context = {"event": event, "form": form}
    return render(request, "communities/events/event_cancel.html", context, status=status)


@login_required
@require_POST
def event_register(request, pk):
    event = get_event_for_user(request.user, pk)
    try:
        registration = services.register(event, request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        if registration.status == R.WAITING:
            messages.warning(request, _(
                "The event is full: you are on the waiting list (position %(position)s). If a "
                "seat frees up, it is yours and you will get an e-mail.")
                % {"position": selectors.waiting_position(registration)})
        else:
            messages.success(request, _("You are registered. You will get a reminder the day "
                                        "before."))
    return redirect(event)


@login_required
@require_POST
def event_unregister(request, pk):
    event = get_event_for_user(request.user, pk)
    registration = event.registrations.filter(person=request.user).first()
    if registration is None:
        messages.error(request, _("You are not registered to this event."))
        return redirect(event)
    was_waiting = registration.status == R.WAITING
    try:
        services.cancel_registration(registration)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("You left the waiting list.") if was_waiting
                         else _("Your registration is cancelled."))
    return redirect(event)


@login_required
def event_ics(request, pk):
    event = get_event_for_user(request.user, pk)
    with_link = (can_manage_event(request.user, event) or event.registrations.filter(
        person=request.user, status=R.REGISTERED).exists())
    url = request.build_absolute_uri(event.get_absolute_url())
    response = HttpResponse(services.event_calendar(event, url=url, with_link=with_link),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{services.calendar_filename(event)}"')
    return response


@login_required
def event_attendance(request, pk):
    event = get_event_for_user(request.user, pk, manage=True)
    registrations = list(event.registrations.filter(status=R.REGISTERED)
                         .select_related("person").order_by("person__last_name",
                                                            "person__first_name", "pk"))
    form = AttendanceForm(request.POST or None, registrations=registrations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_attendance(event, attendance=form.attendance(),
                                           by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Attendance is recorded."))
                return redirect(event)
        status = 400
    context = {"event": event, "form": form, "has_started": event.starts_at <= timezone.now()}
    return render(request, "communities/events/event_attendance.html", context, status=status)


@login_required
def event_report(request, pk):
    event = get_event_for_user(request.user, pk, manage=True)
    form = ReportForm(request.POST or None, initial={"report": event.report})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.write_report(event, report=form.cleaned_data["report"],
                                      by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The report is saved."))
                return redirect(f"{event.get_absolute_url()}#report")
        status = 400
    context = {"event": event, "form": form, "has_ended": event.ends_at <= timezone.now()}
    return render(request, "communities/events/event_report.html", context, status=status)
