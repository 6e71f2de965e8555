"""Every change to the training plan, its sessions and registrations, and the adopters'
toolkit: seats and the waiting list, attendance, satisfaction, acknowledgements."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from essaimage.emails import claim_send, release_send
from innovations.models import Component, Resource

from ..models import (
    AdopterSite,
    Registration,
    ScalingProject,
    StrategyComponent,
    ToolkitAcknowledgement,
    ToolkitItem,
    TrainingModule,
    TrainingSession,
)
from ..permissions import is_site_member

MODULE_FIELDS = ("title", "objectives", "pedagogy", "duration_hours")
SESSION_FIELDS = ("starts_at", "duration_hours", "place", "is_remote", "video_link", "trainer",
                  "capacity")
MIN_SESSION_HOURS = Decimal("0.5")
SATISFACTION_MIN, SATISFACTION_MAX = 1, 5
COMMENT_MAX_LENGTH = Registration._meta.get_field("satisfaction_comment").max_length

R = Registration.Status


# --- The training plan -----------------------------------------------------------------------


def core_components(project):
    """The core components of the project's strategy, which modules teach."""
    return StrategyComponent.objects.filter(strategy__project=project,
                                            kind=Component.Kind.CORE)


def _check_components(project, components) -> list:
    components = list(components)
    core = set(core_components(project).values_list("pk", flat=True))
    if any(component.pk not in core for component in components):
        raise ValidationError({"components": ValidationError(
            _("A module teaches core components of the project's strategy only."),
            code="component_not_core")})
    return components


def _check_module_fields(fields) -> None:
    unknown = set(fields) - set(MODULE_FIELDS)
    if unknown:
        raise ValueError(f"Not a module field: {', '.join(sorted(unknown))}")


@transaction.atomic
def create_module(project: ScalingProject, *, by, components=(), **fields) -> TrainingModule:
    """Add a module at the end of the training plan, mapped to core components."""
    _check_module_fields(fields)
    components = _check_components(project, components)
    ScalingProject.objects.select_for_update().filter(pk=project.pk).first()
    last = project.training_modules.aggregate(last=Max("order"))["last"]
    module = TrainingModule(project=project, order=0 if last is None else last + 1, **fields)
    module.full_clean(exclude=["project"])
    module.save()
    module.components.set(components)
    return module


@transaction.atomic
def update_module(module: TrainingModule, *, by, components=None, **fields) -> TrainingModule:
    """Change a module's description and the core components it teaches."""
    _check_module_fields(fields)
    if components is not None:
        components = _check_components(module.project_id, components)
    for name, value in fields.items():
        setattr(module, name, value)
    module.full_clean(exclude=["project"])
    module.save()
    if components is not None:
        module.components.set(components)
    return module


@transaction.atomic
def move_module(module: TrainingModule, *, up: bool, by) -> None:
    """Move a module one place up or down the plan."""
    ScalingProject.objects.select_for_update().filter(pk=module.project_id).first()
    modules = list(TrainingModule.objects.filter(project=module.project_id))
    index = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(modules):
        return
    modules[index], modules[other] = modules[other], modules[index]
    for order, each in enumerate(modules):
        if each.order != order:
            each.order = order
            each.save(update_fields=["order"])


@transaction.atomic
def delete_module(module: TrainingModule, *, by) -> None:
    """Remove a module that has no session yet."""
    if module.sessions.exists():
        raise ValidationError(_("This module has sessions: it stays in the plan."),
                              code="module_has_sessions")
    module.delete()


# --- Sessions --------------------------------------------------------------------------------


def _check_session(session: TrainingSession) -> None:
    errors = {}
    if session.is_remote and not session.video_link:
        errors["video_link"] = ValidationError(_("Give the link of a remote session."),
                                               code="video_link_required")
    if not session.is_remote and not (session.place or "").strip():
        errors["place"] = ValidationError(_("Give the place, or tick “remote”."),
                                          code="place_required")
    if session.capacity is None or session.capacity < 1:
        errors["capacity"] = ValidationError(_("A session has at least one seat."),
                                             code="capacity_too_small")
    if session.duration_hours is None or session.duration_hours < MIN_SESSION_HOURS:
        errors["duration_hours"] = ValidationError(
            _("A session lasts half an hour at least."), code="duration_too_short")
    if errors:
        raise ValidationError(errors)


def _check_session_fields(fields) -> None:
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Not a session field: {', '.join(sorted(unknown))}")


@transaction.atomic
def create_session(module: TrainingModule, *, by, **fields) -> TrainingSession:
    """Plan a session of a module, in the future."""
    _check_session_fields(fields)
    session = TrainingSession(module=module, **fields)
    if session.starts_at and session.starts_at <= timezone.now():
        raise ValidationError({"starts_at": ValidationError(
            _("Plan the session in the future."), code="session_in_past")})
    _check_session(session)
    session.full_clean(exclude=["module"])
    session.save()
    return session


def _lock_session(session: TrainingSession) -> TrainingSession:
    return (TrainingSession.objects.select_for_update().select_related("module")
            .get(pk=session.pk))


@transaction.atomic
def update_session(session: TrainingSession, *, by, **fields) -> TrainingSession:
    """Change a planned session; more seats let the first people waiting in."""
    _check_session_fields(fields)
    session = _lock_session(session)
    if session.status != TrainingSession.Status.PLANNED:
        raise ValidationError(_("Only a planned session can be changed."),
                              code="session_closed")
    for name, value in fields.items():
        setattr(session, name, value)
    _check_session(session)
    registered = session.registrations.filter(status=R.REGISTERED).count()
    if session.capacity < registered:
        raise ValidationError({"capacity": ValidationError(
            _("%(count)s people are registered: cancel registrations before removing seats.")
            % {"count": registered}, code="capacity_below_registered")})
    session.full_clean(exclude=["module"])
    session.save()
    _promote_from_waiting_list(session)
    return session


@transaction.atomic
def cancel_session(session: TrainingSession, *, by) -> TrainingSession:
    """Cancel a session that has not been held."""
    session = _lock_session(session)
    if session.status == TrainingSession.Status.HELD:
        raise ValidationError(_("This session was held: it cannot be cancelled."),
                              code="session_held")
    if session.status != TrainingSession.Status.CANCELLED:
        session.status = TrainingSession.Status.CANCELLED
        session.save(update_fields=["status"])
    return session


# --- Registrations ---------------------------------------------------------------------------


def _check_open(session: TrainingSession) -> None:
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("This session is cancelled."), code="session_cancelled")
    if session.status == TrainingSession.Status.HELD or session.starts_at <= timezone.now():
        raise ValidationError(_("This session has already started."), code="session_past")


@transaction.atomic
def register_person(session: TrainingSession, *, person, site: AdopterSite, by,
                    accept_waiting_list: bool = True) -> Registration:
    """Register a person of an adopter site of the project; once the seats are taken, they go
    on the waiting list (or are refused if they do not want to wait)."""
    session = _lock_session(session)
    _check_open(session)
    if (site.project_id != session.module.project_id or not site.is_active
            or not is_site_member(person, site)):
        raise ValidationError({"site": ValidationError(
            _("%(person)s does not belong to an active adopter site of this project.")
            % {"person": person}, code="not_from_a_site")})
    registration = Registration.objects.filter(session=session, person=person).first()
    if registration is not None and registration.status != R.CANCELLED:
        raise ValidationError(_("%(person)s is already registered to this session.")
                              % {"person": person}, code="already_registered")
    taken = session.registrations.filter(status=R.REGISTERED).count()
    status = R.REGISTERED if taken < session.capacity else R.WAITING_LIST
    if status == R.WAITING_LIST and not accept_waiting_list:
        raise ValidationError(_("The session is full."), code="session_full")
    if registration is None:
        registration = Registration(session=session, person=person)
    # Coming back after cancelling goes to the end of the queue.
    registration.site = site
    registration.status = status
    registration.registered_at = timezone.now()
    registration.attended = None
    registration.save()
    return registration


def waiting_list_position(registration: Registration) -> int | None:
    """Where a person stands on the waiting list (1 is next), or None if not waiting."""
    if registration.status != R.WAITING_LIST:
        return None
    waiting = registration.session.registrations.filter(status=R.WAITING_LIST)
    ahead = waiting.filter(Q(registered_at__lt=registration.registered_at)
                           | Q(registered_at=registration.registered_at, pk__lt=registration.pk))
    return ahead.count() + 1


def _promote_from_waiting_list(session: TrainingSession) -> list[Registration]:
    """Give the free seats to the first people waiting; each hears of it by e-mail."""
    from ..tasks import send_seat_offered_email_task

    free = session.capacity - session.registrations.filter(status=R.REGISTERED).count()
    if free <= 0:
        return []
    promoted = list(session.registrations.filter(status=R.WAITING_LIST)
                    .order_by("registered_at", "pk")[:free])
    for registration in promoted:
        registration.status = R.REGISTERED
        registration.save(update_fields=["status"])
        # Queue after commit: until then the worker cannot see the seat.
        transaction.on_commit(
            lambda pk=registration.pk: send_seat_offered_email_task.delay(pk))
    return promoted


@transaction.atomic
def cancel_registration(registration: Registration, *, by) -> list[Registration]:
    """Cancel a registration; a seat given back goes to the first person waiting. Returns the
    people promoted."""
    session = _lock_session(registration.session)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == R.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."),
                              code="already_cancelled")
    _check_open(session)
    was_registered = registration.status == R.REGISTERED
    registration.status = R.CANCELLED
    registration.save(update_fields=["status"])
    if not was_registered:
        return []
    return _promote_from_waiting_list(session)



def send_seat_offered_email(registration: Registration) -> bool:
    """Tell a person who was waiting that they now have a seat, once."""
    from essaimage.emails import absolute_url, send_templated_email

    if registration.status != R.REGISTERED:
        return False  # cancelled again since it was queued
    key = f"programmes:seat-offered:{registration.pk}:{registration.registered_at.timestamp()}"
    if not claim_send(key):
        return False
    person = registration.person
    session = registration.session
    try:
        send_templated_email(
            "seat_offered", to=[person.email], language=person.language or "fr",
            context={"person": person, "session": session, "module": session.module,
                     "site": registration.site,
                     "session_url": absolute_url(session.get_absolute_url())})
    except Exception:
        release_send(key)  # let the retry send it
        raise
    return True


# --- Attendance and satisfaction -------------------------------------------------------------


@transaction.atomic
def record_attendance(session: TrainingSession, *, attendance: dict, by) -> TrainingSession:
    """Mark who was present (True) or absent (False) once the session has started; the session
    is then held."""
    session = _lock_session(session)
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("This session is cancelled."), code="session_cancelled")
    if session.starts_at > timezone.now():
        raise ValidationError(_("Attendance is taken once the session has started."),
                              code="session_not_started")
    registrations = {r.pk: r for r in session.registrations.filter(status=R.REGISTERED,
                                                                   pk__in=list(attendance))}
    if set(attendance) - set(registrations):
        raise ValidationError(_("Some of these people are not registered to the session."),
                              code="not_registered")
    for pk, present in attendance.items():
        registration = registrations[pk]
        if registration.attended != present:
            registration.attended = present
            registration.save(update_fields=["attended"])
    if session.status == TrainingSession.Status.PLANNED:
        session.status = TrainingSession.Status.HELD
        session.save(update_fields=["status"])
    return session


@transaction.atomic
def record_satisfaction(registration: Registration, *, by, satisfaction,
                        comment="") -> Registration:
    """Keep an attendee's satisfaction with a held session (1 to 5, and a comment), once."""
    registration = (Registration.objects.select_for_update().select_related("session")
                    .get(pk=registration.pk))
    if by is None or registration.person_id != by.pk:
        raise ValidationError(_("Only the person who attended answers for themself."),
                              code="not_your_registration")
    if registration.session.status != TrainingSession.Status.HELD:
        raise ValidationError(_("The session has not been held yet."), code="not_held")
    if registration.status != R.REGISTERED or registration.attended is not True:
        raise ValidationError(_("Only people who attended the session give their opinion."),
                              code="not_attended")
    if registration.satisfaction is not None:
        raise ValidationError(_("You already gave your opinion on this session."),
                              code="already_answered")
    try:
        value = int(satisfaction)
    except (TypeError, ValueError):
        value = None
    if value is None or not SATISFACTION_MIN <= value <= SATISFACTION_MAX:
        raise ValidationError({"satisfaction": ValidationError(
            _("Give a rating from %(min)s to %(max)s.")
            % {"min": SATISFACTION_MIN, "max": SATISFACTION_MAX},
            code="satisfaction_out_of_range")})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": ValidationError(
            _("A comment holds %(max)s characters at most.") % {"max": COMMENT_MAX_LENGTH},
            code="comment_too_long")})
    registration.satisfaction = value
    registration.satisfaction_comment = comment
    registration.save(update_fields=["satisfaction", "satisfaction_comment"])
    return registration


# --- Toolkit ---------------------------------------------------------------------------------


@transaction.atomic
def add_toolkit_item(project: ScalingProject, *, resource: Resource, by,
                     is_required: bool = True) -> ToolkitItem:
    """Hand a resource of the bank over to the adopters, at its current version."""
    if not Resource.objects.visible_to(by).filter(pk=resource.pk).exists():
        raise ValidationError({"resource": ValidationError(
            _("Choose a resource of the bank you can see."), code="resource_not_visible")})
    ScalingProject.objects.select_for_update().filter(pk=project.pk).first()
    if project.toolkit.filter(resource=resource).exists():
        raise ValidationError({"resource": ValidationError(
            _("This resource is already in the toolkit."), code="already_in_toolkit")})
    last = project.toolkit.aggregate(last=Max("order"))["last"]
    return ToolkitItem.objects.create(project=project, resource=resource,
                                      version=resource.version, is_required=is_required,
                                      order=0 if last is None else last + 1)


@transaction.atomic
def update_item_version(item: ToolkitItem, *, by) -> ToolkitItem:
    """Hand over the resource's current version: every site acknowledges it again."""
    item = ToolkitItem.objects.select_for_update().select_related("resource").get(pk=item.pk)
    if item.version == item.resource.version:
        raise ValidationError(_("The toolkit already hands over the current version."),
                              code="already_current")
    item.version = item.resource.version
    item.added_at = timezone.now()
    item.save(update_fields=["version", "added_at"])
    return item


@transaction.atomic
def set_item_required(item: ToolkitItem, *, is_required: bool, by) -> ToolkitItem:
    item.is_required = is_required
    item.save(update_fields=["is_required"])
    return item


@transaction.atomic
def remove_toolkit_item(item: ToolkitItem, *, by) -> None:
    """Take back an item no site has acknowledged yet."""
    if item.acknowledgements.exists():
        raise ValidationError(_("Sites have acknowledged this item: it stays in the toolkit."),
                              code="item_acknowledged")
    item.delete()


@transaction.atomic
def acknowledge_item(item: ToolkitItem, *, site: AdopterSite, by) -> ToolkitAcknowledgement:
    """A person of the site says the site received the item's current version."""
    item = ToolkitItem.objects.select_for_update().get(pk=item.pk)
    if site.project_id != item.project_id or not site.is_active or not is_site_member(by, site):
        raise ValidationError({"site": ValidationError(
            _("Only the people of an active site of this project acknowledge its toolkit."),
            code="not_from_a_site")})
    if ToolkitAcknowledgement.objects.filter(item=item, site=site,
                                             version=item.version).exists():
        raise ValidationError(_("The site already acknowledged this version."),
                              code="already_acknowledged")
    try:
        with transaction.atomic():
            return ToolkitAcknowledgement.objects.create(item=item, site=site,
                                                         version=item.version,
                                                         acknowledged_by=by)
    except IntegrityError:
        raise ValidationError(_("The site already acknowledged this version."),
                              code="already_acknowledged") from None
