"""Every change to adopters: candidates scored and selected, the sites they become and their
path, local adaptations, cohorts of sites, sponsors and their notes."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Territory, User
from innovations.models import AdoptionChoice, Application, Call, Component

from ..models import (
    AdopterCandidate,
    AdopterSite,
    CandidateScore,
    Cohort,
    ScalingProject,
    SiteAdaptation,
    Sponsor,
    SponsorNote,
    StrategyComponent,
)
from .community import ensure_cohort_space, ensure_programme_space, sync_site_spaces

SCORE_MIN, SCORE_MAX = 1, 5
# simple_history keeps the reason of a change in a column of this size.
REASON_MAX_LENGTH = 100
NOTE_MAX_LENGTH = SponsorNote._meta.get_field("text").max_length
# Answers to a call for expressions of interest that may become candidates: submitted ones
# that the call's staff did not set aside.
IMPORTABLE_APPLICATION_STATUSES = [
    Application.Status.SUBMITTED, Application.Status.ELIGIBLE, Application.Status.SELECTED,
    Application.Status.WAITING_LIST,
]


# --- Territories of the strategy -------------------------------------------------------------


def target_territory_ids(project: ScalingProject) -> set[int]:
    """The territories the strategy aims at; empty when it names none (anywhere goes)."""
    return set(Territory.objects.filter(scaling_strategies__project=project)
               .values_list("pk", flat=True))


def covers(target_ids: set[int], territory: Territory) -> bool:
    """Whether a territory lies within the targets: a région covers its départements."""
    if not target_ids:
        return True
    return territory.pk in target_ids or (territory.parent_id is not None
                                          and territory.parent_id in target_ids)


def check_within_strategy(project: ScalingProject, territory: Territory, *,
                          target_ids: set[int] | None = None) -> None:
    """Refuse a territory the scaling strategy does not aim at."""
    if target_ids is None:
        target_ids = target_territory_ids(project)
    if not covers(target_ids, territory):
        raise ValidationError({"territory": ValidationError(
            _("%(territory)s is outside the target territories of the scaling strategy. "
              "Choose a territory the strategy aims at, or add it to the strategy first.")
            % {"territory": territory}, code="outside_strategy")})


# --- Candidates ------------------------------------------------------------------------------


@transaction.atomic
def add_candidate(project: ScalingProject, *, structure, territory=None, motivation="",
                  capacity="", by) -> AdopterCandidate:
    """Add a structure of the directory as a candidate on a territory the strategy aims at."""
    territory = territory or structure.department or structure.region
    if territory is None:
        raise ValidationError({"territory": ValidationError(
            _("This structure has no territory in the directory: choose one."),
            code="territory_required")})
    check_within_strategy(project, territory)
    if AdopterCandidate.objects.filter(project=project, structure=structure,
                                       territory=territory).exists():
        raise ValidationError({"structure": ValidationError(
            _("%(structure)s is already a candidate on %(territory)s.")
            % {"structure": structure, "territory": territory}, code="duplicate_candidate")})
    try:
        with transaction.atomic():
            return AdopterCandidate.objects.create(
                project=project, structure=structure, territory=territory,
                motivation=motivation.strip(), capacity=capacity.strip())
    except IntegrityError:  # added at the same moment by someone else
        raise ValidationError({"structure": ValidationError(
            _("%(structure)s is already a candidate on %(territory)s.")
            % {"structure": structure, "territory": territory},
            code="duplicate_candidate")}) from None


@dataclass
class ImportReport:
    """What an import of answers did, answer by answer."""

    created: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    outside_strategy: list = field(default_factory=list)
    without_territory: list = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.duplicates) + len(self.outside_strategy) + len(self.without_territory)


def importable_interest_answers(project: ScalingProject):
    """Answers to calls for expressions of interest that chose the project's innovation."""
    return (
        AdoptionChoice.objects.filter(
            innovation=project.innovation_id,
            application__call__kind=Call.Kind.EXPRESSIONS_OF_INTEREST,
            application__status__in=IMPORTABLE_APPLICATION_STATUSES,
        )
        .select_related("application__structure__department",
                        "application__structure__region", "application__territory")
        .order_by("application__submitted_at", "pk")
    )


@transaction.atomic
def import_interest_answers(project: ScalingProject, *, by) -> ImportReport:
    """Make a candidate of every answer that chose the innovation, once; answers outside the
    strategy or already imported are reported, not imported."""
    # One import at a time per project, so that two clicks cannot create the same candidate.
    ScalingProject.objects.select_for_update().filter(pk=project.pk).first()
    report = ImportReport()
    target_ids = target_territory_ids(project)
    existing = set(project.candidates.values_list("structure_id", "territory_id"))
    imported = set(project.candidates.exclude(application=None)
                   .values_list("application_id", flat=True))
    for choice in importable_interest_answers(project):
        application = choice.application
        structure = application.structure
        territory = application.territory or structure.department or structure.region
        if application.pk in imported or (structure.pk, getattr(territory, "pk", None)) in existing:
            report.duplicates.append(structure)
            continue
        if territory is None:
            report.without_territory.append(structure)
            continue
        if not covers(target_ids, territory):
            report.outside_strategy.append(structure)
            continue
        candidate = AdopterCandidate.objects.create(
            project=project, structure=structure, territory=territory, application=application,
            motivation=choice.motivation, capacity=choice.capacity)
        existing.add((structure.pk, territory.pk))
        imported.add(application.pk)
        report.created.append(candidate)
    return report


def _score_value(score) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = None
    if value is None or not SCORE_MIN <= value <= SCORE_MAX:
        raise ValidationError({"score": ValidationError(
            _("Give a score from %(min)s to %(max)s.") % {"min": SCORE_MIN, "max": SCORE_MAX},
            code="score_out_of_range")})
    return value


@transaction.atomic
def score_candidate(candidate: AdopterCandidate, *, scorer, score, comment="") -> CandidateScore:
    """Record a person's score of a candidate, once per person: scoring again updates it."""
    value = _score_value(score)
    candidate = AdopterCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status in (AdopterCandidate.Status.SELECTED,
                            AdopterCandidate.Status.NOT_SELECTED):
        raise ValidationError(_("The decision on this candidate is taken: scores are closed."),
                              code="candidate_decided")
    result, _created = CandidateScore.objects.update_or_create(
        candidate=candidate, scorer=scorer,
        defaults={"score": value, "comment": comment.strip(), "created_at": timezone.now()})
    return result


# From each status of a candidate, the decisions that may follow.
CANDIDATE_DECISIONS = {
    AdopterCandidate.Status.CANDIDATE: {AdopterCandidate.Status.SHORTLISTED,
                                        AdopterCandidate.Status.SELECTED,
                                        AdopterCandidate.Status.NOT_SELECTED},
    AdopterCandidate.Status.SHORTLISTED: {AdopterCandidate.Status.CANDIDATE,
                                          AdopterCandidate.Status.SELECTED,
                                          AdopterCandidate.Status.NOT_SELECTED},
    AdopterCandidate.Status.NOT_SELECTED: {AdopterCandidate.Status.CANDIDATE,
                                           AdopterCandidate.Status.SHORTLISTED},
    # A selected candidate is a site: it leaves by withdrawing the site.
    AdopterCandidate.Status.SELECTED: set(),
}


@transaction.atomic
def decide_candidate(candidate: AdopterCandidate, *, decision: str, by,
                     start_date=None) -> AdopterCandidate:
    """Shortlist, select or set aside a candidate; selecting creates its adopter site."""
    candidate = (AdopterCandidate.objects.select_for_update()
                 .select_related("project", "territory", "structure").get(pk=candidate.pk))
    if decision not in AdopterCandidate.Status.values:
        raise ValidationError({"decision": ValidationError(_("Choose a decision from the list."),
                                                           code="invalid_decision")})
    if decision == candidate.status:
        return candidate  # a second click changes nothing
    if candidate.status == AdopterCandidate.Status.SELECTED:
        raise ValidationError(
            _("This candidate is already selected and has its site: withdraw the site "
              "instead."), code="already_selected")
    if decision not in CANDIDATE_DECISIONS[candidate.status]:
        raise ValidationError({"decision": ValidationError(
            _("This decision is not possible for a candidate in this state."),
            code="invalid_decision")})
    if decision == AdopterCandidate.Status.SELECTED:
        check_within_strategy(candidate.project, candidate.territory)
        AdopterSite.objects.create(
            project=candidate.project, structure=candidate.structure,
            territory=candidate.territory, candidate=candidate,
            status=AdopterSite.Status.SELECTED, start_date=start_date)
        ensure_programme_space(candidate.project.programme)
    candidate.status = decision
    candidate.save(update_fields=["status"])
    return candidate


# --- Sites -----------------------------------------------------------------------------------

S = AdopterSite.Status
# The path a site walks, one step at a time.
SITE_PATH = [S.CANDIDATE, S.SELECTED, S.AGREEMENT_SIGNED, S.TRAINED, S.LAUNCHED, S.AUTONOMOUS]


@dataclass(frozen=True)
class SiteMove:
    status: str
    is_back: bool  # going back needs a reason

    @property
    def label(self) -> str:
        return S(self.status).label


def status_before_withdrawal(site: AdopterSite) -> str | None:
    """The status a withdrawn site had before it withdrew, from its history."""
    previous = (site.history.exclude(status=S.WITHDRAWN).order_by("-history_date", "-pk")
                .values_list("status", flat=True).first())
    return previous


def site_moves(site: AdopterSite) -> list[SiteMove]:
    """Where a site may go from its status: the next step, back one step (with a reason),
    withdrawn from anywhere; a withdrawn site may come back to where it was."""
    if site.status == S.WITHDRAWN:
        previous = status_before_withdrawal(site)
        return [SiteMove(previous, True)] if previous else []
    index = SITE_PATH.index(site.status)
    moves = []
    if index + 1 < len(SITE_PATH):
        moves.append(SiteMove(SITE_PATH[index + 1], False))
    if index > 1:  # a site never goes back to being a mere candidate
        moves.append(SiteMove(SITE_PATH[index - 1], True))
    moves.append(SiteMove(S.WITHDRAWN, False))
    return moves


@transaction.atomic
def change_site_status(site: AdopterSite, *, status: str, by, reason: str = "") -> AdopterSite:
    """Move a site one step along its path, back one step with a reason, or withdraw it; the
    history keeps who did it, when, and why."""
    site = AdopterSite.objects.select_for_update().get(pk=site.pk)
    reason = " ".join((reason or "").split())
    moves = {move.status: move for move in site_moves(site)}
    if status not in moves:
        raise ValidationError({"status": ValidationError(
            _("A site cannot go from “%(current)s” to “%(status)s”: it moves one step at a "
              "time, or back one step with a reason, or withdraws.")
            % {"current": site.get_status_display(),
               "status": S(status).label if status in S.values else status},
            code="invalid_site_transition")})
    if moves[status].is_back and not reason:
        raise ValidationError({"reason": ValidationError(
            _("Say why the site goes back a step."), code="reason_required")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": ValidationError(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            code="reason_too_long")})
    site.status = status
    fields = ["status", "updated_at"]
    if status == S.LAUNCHED and site.start_date is None:
        site.start_date = timezone.localdate()
        fields.append("start_date")
    site._change_reason = reason or None
    site.save(update_fields=fields)
    sync_site_spaces(site)
    return site


@transaction.atomic
def update_site(site: AdopterSite, *, by, name: str, start_date, reminders_paused: bool
                ) -> AdopterSite:
    """Change a site's name, start date and whether reminders go to it."""
    site = AdopterSite.objects.select_for_update().get(pk=site.pk)
    site.name = name.strip()
    site.start_date = start_date
    site.reminders_paused = reminders_paused
    site.full_clean(exclude=["project", "structure", "territory", "candidate"])
    site.save(update_fields=["name", "start_date", "reminders_paused", "updated_at"])
    return site


def adaptable_components(project: ScalingProject):
    """The components of the project's strategy a site may adapt to its context."""
    return StrategyComponent.objects.filter(strategy__project=project,
                                            kind=Component.Kind.ADAPTABLE)


@transaction.atomic
def record_adaptation(site: AdopterSite, *, component: StrategyComponent, description: str,
                      by) -> SiteAdaptation | None:
    """Record how the site adapts one adaptable component (one text per component); an empty
    text removes it."""
    if not adaptable_components(site.project_id).filter(pk=component.pk).exists():
        raise ValidationError({"component": ValidationError(
            _("Only the adaptable components of the project's strategy can be adapted."),
            code="component_not_adaptable")})
    description = (description or "").strip()
    if not description:
        SiteAdaptation.objects.filter(site=site, component=component).delete()
        return None
    adaptation, _created = SiteAdaptation.objects.update_or_create(
        site=site, component=component, defaults={"description": description})
    return adaptation


# --- Cohorts ---------------------------------------------------------------------------------


def _check_cohort_dates(starts_on, ends_on) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": ValidationError(
            _("The cohort must end after it starts."), code="cohort_ends_before_start")})


@transaction.atomic
def create_cohort(programme, *, name: str, by, description: str = "", starts_on=None,
                  ends_on=None) -> Cohort:
    """Open a cohort ("promotion") in the programme."""
    _check_cohort_dates(starts_on, ends_on)
    cohort = Cohort.objects.create(programme=programme, name=name.strip(),
                                   description=description.strip(), starts_on=starts_on,
                                   ends_on=ends_on)
    cohort.space = ensure_cohort_space(cohort)
    return cohort


@transaction.atomic
def update_cohort(cohort: Cohort, *, by, name: str, description: str = "", starts_on=None,
                  ends_on=None) -> Cohort:
    _check_cohort_dates(starts_on, ends_on)
    cohort.name, cohort.description = name.strip(), description.strip()
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    cohort.save()
    ensure_cohort_space(cohort)
    return cohort


@transaction.atomic
def add_sites_to_cohort(cohort: Cohort, sites, *, by) -> int:
    """Put sites of the programme's projects in the cohort; a site goes through the programme
    in one cohort only."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    sites = list(sites)
    errors = []
    for site in sites:
        if site.project.programme_id != cohort.programme_id:
            errors.append(ValidationError(
                _("%(site)s is not a site of this programme.") % {"site": site},
                code="site_not_in_programme"))
    elsewhere = (Cohort.sites.through.objects
                 .filter(adoptersite__in=[site.pk for site in sites],
                         cohort__programme=cohort.programme_id)
                 .exclude(cohort=cohort).select_related("cohort", "adoptersite"))
    for link in elsewhere:
        errors.append(ValidationError(
            _("%(site)s is already in the cohort “%(cohort)s”.")
            % {"site": link.adoptersite, "cohort": link.cohort.name},
            code="site_in_another_cohort"))
    if errors:
        raise ValidationError({"sites": errors})
    cohort.sites.add(*sites)
    ensure_cohort_space(cohort)
    return len(sites)


@transaction.atomic
def remove_site_from_cohort(cohort: Cohort, site: AdopterSite, *, by) -> None:
    cohort.sites.remove(site)
    ensure_cohort_space(cohort)


# --- Sponsors --------------------------------------------------------------------------------


@transaction.atomic
def add_sponsor(project: ScalingProject, *, by, email: str = "", structure=None, site=None,
                role: str = "", since=None) -> Sponsor:
    """Make a person (who has an account) or a structure the sponsor of the project, or of one
    of its sites."""
    email = (email or "").strip()
    if bool(email) == bool(structure):
        raise ValidationError(_("A sponsor is either a person, given by e-mail, or a structure: "
                                "give one of the two."), code="sponsor_person_or_structure")
    person = None
    if email:
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise ValidationError({"email": ValidationError(
                _("Nobody with the address %(email)s has an account on Essaimage yet.")
                % {"email": email}, code="unknown_person")})
    if site is not None and site.project_id != project.pk:
        raise ValidationError({"site": ValidationError(
            _("Choose a site of this project."), code="site_not_in_project")})
    if Sponsor.objects.filter(project=project, site=site, user=person,
                              structure=structure).exists():
        raise ValidationError(_("%(sponsor)s already sponsors this.")
                              % {"sponsor": person or structure}, code="duplicate_sponsor")
    sponsor = Sponsor.objects.create(project=project, site=site, user=person,
                                     structure=structure, role=role.strip(),
                                     since=since or timezone.localdate())
    if person is not None:  # the person joins the spaces of the cohorts they follow
        for cohort in Cohort.objects.filter(sites__project=project).distinct():
            ensure_cohort_space(cohort)
    return sponsor


@transaction.atomic
def add_sponsor_note(sponsor: Sponsor, *, author, text: str) -> SponsorNote:
    """Keep a sponsor's note on what they follow."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(_("Write the note."),
                                                       code="note_empty")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": ValidationError(
            _("A note holds %(max)s characters at most.") % {"max": NOTE_MAX_LENGTH},
            code="note_too_long")})
    return SponsorNote.objects.create(sponsor=sponsor, author=author, text=text)
