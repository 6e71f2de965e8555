import factory
from allauth.account.models import EmailAddress

from communities.models import Invitation, Membership, Structure, Territory, User
from programmes.models import Programme

PASSWORD = "correct-horse-battery"


def department(code: str) -> Territory:
    return Territory.objects.get(kind=Territory.Kind.DEPARTMENT, code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """People can sign in: their address is confirmed unless verified=False is passed."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Association n°{n}")
    kind = Structure.Kind.ASSOCIATION
    city = "Nevers"
    department = factory.LazyFunction(lambda: department("58"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Membership.Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    structure = factory.SubFactory(StructureFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.MEMBER


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Programme {n}")
    lead_structure = factory.SubFactory(StructureFactory)

    @factory.post_generation
    def staff(programme, create, extracted, **kwargs):
        if create and extracted:
            programme.staff.set(extracted)

    @factory.post_generation
    def funders(programme, create, extracted, **kwargs):
        if create and extracted:
            programme.funders.set(extracted)


# --- Innovations --------------------------------------------------------------------------

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.utils import timezone  # noqa: E402

from innovations.models import (  # noqa: E402
    Application,
    Call,
    College,
    Component,
    Criterion,
    Innovation,
    Question,
    Resource,
    ReviewAssignment,
    Theme,
)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class InnovationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Innovation

    owner = factory.SubFactory(StructureFactory)
    title = factory.Sequence(lambda n: f"Innovation {n}")
    summary = "Un dispositif qui a fait ses preuves sur son territoire."
    problem = "Le chômage de longue durée."


class PublishedInnovationFactory(InnovationFactory):
    status = Innovation.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    innovation = factory.SubFactory(InnovationFactory)
    kind = Component.Kind.CORE
    title = factory.Sequence(lambda n: f"Composante {n}")


class CallFactory(factory.django.DjangoModelFactory):
    """A published call for projects, open from yesterday to next month."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    description = "Repérer des innovations qui ont fait leurs preuves."
    organiser = factory.SubFactory(StructureFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def managers(call, create, extracted, **kwargs):
        if create and extracted:
            call.managers.set(extracted)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    call = factory.SubFactory(CallFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.LONG_TEXT
    order = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Critère {n}")
    weight = Decimal("1")
    max_score = 5
    order = factory.Sequence(lambda n: n)


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = College

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Collège {n}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    structure = factory.SubFactory(StructureFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    summary = "Un projet à essaimer."


class SubmittedApplicationFactory(ApplicationFactory):
    status = Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(SubmittedApplicationFactory)
    reviewer = factory.SubFactory(UserFactory)
    college = factory.SubFactory(CollegeFactory, call=factory.SelfAttribute("..application.call"))


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Guide {n}")
    url = "https://example.org/guide.pdf"


# --- Programmes ---------------------------------------------------------------------------

from programmes.models import (  # noqa: E402
    AdopterSite,
    BodyMember,
    FundingOption,
    FundingPool,
    GovernanceBody,
    Meeting,
    ScalingProject,
    TrainingModule,
    TrainingSession,
)


class ScalingProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScalingProject

    programme = factory.SubFactory(ProgrammeFactory)
    innovation = factory.SubFactory(PublishedInnovationFactory)
    title = factory.LazyAttribute(lambda project: f"Essaimage de {project.innovation.title}")


class AdopterSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdopterSite

    project = factory.SubFactory(ScalingProjectFactory)
    structure = factory.SubFactory(StructureFactory)
    territory = factory.LazyAttribute(lambda site: site.structure.department or department("58"))
    status = AdopterSite.Status.SELECTED


class GovernanceBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernanceBody

    project = factory.SubFactory(ScalingProjectFactory)
    kind = GovernanceBody.Kind.STEERING
    name = "Comité de pilotage"


class BodyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BodyMember

    body = factory.SubFactory(GovernanceBodyFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda member: member.user.display_name if member.user else "")
    email = factory.LazyAttribute(lambda member: member.user.email if member.user else "")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(GovernanceBodyFactory)
    title = factory.Sequence(lambda n: f"COPIL n°{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + timedelta(hours=2))
    place = "Paris"


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    project = factory.SubFactory(ScalingProjectFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    objectives = "Savoir mettre en œuvre le cœur du dispositif."


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    module = factory.SubFactory(TrainingModuleFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    duration_hours = Decimal("3")
    place = "Nevers"
    capacity = 10


class FundingPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingPool

    project = factory.SubFactory(ScalingProjectFactory)


class FundingOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingOption

    pool = factory.SubFactory(FundingPoolFactory)
    funder = factory.SubFactory(StructureFactory)
    amount = Decimal("50000")


# --- Evaluations ----------------------------------------------------------------------------

from datetime import date  # noqa: E402

from evaluations.models import (  # noqa: E402
    Disaggregation,
    DisaggregationCategory,
    EvaluationPhase,
    EvaluationPlan,
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityRating,
    FidelityScale,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Questionnaire,
    QuestionnaireAssignment,
    ReportingPeriod,
    ScaleLevel,
    SiteReport,
    StandardIndicator,
)
from evaluations.models import Question as EvaluationQuestion  # noqa: E402


class EvaluationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationPlan

    project = factory.SubFactory(ScalingProjectFactory)


class EvaluationPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationPhase

    plan = factory.SubFactory(EvaluationPlanFactory)
    number = EvaluationPhase.Number.PROCESS
    questions = "Le dispositif est-il mis en œuvre comme prévu ?"
    methods = [EvaluationPhase.Method.QUALITATIVE, EvaluationPhase.Method.SELF_ASSESSMENT]


class StandardIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardIndicator

    code = factory.Sequence(lambda n: f"STD-{n}")
    name = factory.Sequence(lambda n: f"Indicateur standard n°{n}")
    unit = "personnes"


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A quantitative count reported by sites every quarter, cumulative across periods."""

    class Meta:
        model = Indicator

    project = factory.SubFactory(ScalingProjectFactory)
    code = factory.Sequence(lambda n: f"IND-{n}")
    name = factory.Sequence(lambda n: f"Personnes accompagnées n°{n}")
    unit = "personnes"


class PercentageIndicatorFactory(IndicatorFactory):
    measure = Indicator.Measure.PERCENTAGE
    unit = ""
    name = factory.Sequence(lambda n: f"Part des sorties en emploi n°{n}")
    period_aggregation = Indicator.PeriodAggregation.SUM


class QualitativeIndicatorFactory(IndicatorFactory):
    """A qualitative indicator with a scale of `levels` worded levels (three by default)."""

    class Meta:
        skip_postgeneration_save = True

    kind = Indicator.Kind.QUALITATIVE
    measure = ""
    unit = ""
    period_aggregation = Indicator.PeriodAggregation.LATEST
    site_aggregation = Indicator.SiteAggregation.AVERAGE
    name = factory.Sequence(lambda n: f"Appropriation du dispositif n°{n}")

    @factory.post_generation
    def levels(indicator, create, extracted, **kwargs):
        if create:
            for value in range(1, (extracted or 3) + 1):
                ScaleLevel.objects.create(indicator=indicator, value=value,
                                          label=f"Niveau {value}")


class DisaggregationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disaggregation

    indicator = factory.SubFactory(IndicatorFactory)
    dimension = Disaggregation.Dimension.SEX
    label = "Sexe"


class DisaggregationCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisaggregationCategory

    disaggregation = factory.SubFactory(DisaggregationFactory)
    code = factory.Sequence(lambda n: f"cat-{n}")
    label = factory.Sequence(lambda n: f"Catégorie {n}")


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    period_end = date(2025, 12, 31)
    value = Decimal("100")


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """The first quarter of 2025, due a month after it ends."""

    class Meta:
        model = ReportingPeriod

    project = factory.SubFactory(ScalingProjectFactory)
    frequency = Indicator.Frequency.QUARTERLY
    starts_on = date(2025, 1, 1)
    ends_on = date(2025, 3, 31)
    due_on = date(2025, 4, 30)
    label = "T1 2025"


class SiteReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteReport

    site = factory.SubFactory(AdopterSiteFactory)
    period = factory.SubFactory(ReportingPeriodFactory,
                                project=factory.SelfAttribute("..site.project"))


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    report = factory.SubFactory(SiteReportFactory)
    indicator = factory.SubFactory(IndicatorFactory,
                                   project=factory.SelfAttribute("..report.site.project"))
    value = Decimal("10")


class FidelityScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityScale

    project = factory.SubFactory(ScalingProjectFactory)
    title = "Échelle de fidélité au modèle"


class FidelityDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityDomain

    scale = factory.SubFactory(FidelityScaleFactory)
    name = factory.Sequence(lambda n: f"Domaine {n}")


class FidelityItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityItem

    domain = factory.SubFactory(FidelityDomainFactory)
    label = factory.Sequence(lambda n: f"Item {n}")


class FidelityAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityAssessment

    site = factory.SubFactory(AdopterSiteFactory)
    assessed_on = date(2025, 6, 30)


class FidelityRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FidelityRating

    assessment = factory.SubFactory(FidelityAssessmentFactory)
    item = factory.SubFactory(FidelityItemFactory)
    level = 3


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    project = factory.SubFactory(ScalingProjectFactory)
    title = factory.Sequence(lambda n: f"Auto-évaluation n°{n}")


class EvaluationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationQuestion

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    label = factory.Sequence(lambda n: f"Question {n}")


class QuestionnaireAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireAssignment

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    site = factory.SubFactory(AdopterSiteFactory,
                              project=factory.SelfAttribute("..questionnaire.project"))


# --- communities: notifications -----------------------------------------------------------

from communities.models import Notification  # noqa: E402


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.REPLY
    title = factory.Sequence(lambda n: f"Nouvelle réponse n°{n}")
    url = "/structures/"
    delivery = Notification.Delivery.IN_APP


# --- communities: events and co-development ------------------------------------------------

from communities.models import (  # noqa: E402
    CodevContribution,
    CodevSession,
    Event,
    EventRegistration,
    Space,
    SpaceMember,
)


def community_space(*, name=None, kind=Space.Kind.COHORT, structures=(), moderators=(),
                    participants=()) -> Space:
    """A space with the structures whose members take part, and named moderators and
    participants."""
    space = Space.objects.create(name=name or f"Espace {Space.objects.count() + 1}", kind=kind)
    space.structures.set(structures)
    for user in moderators:
        SpaceMember.objects.create(space=space, user=user, role=SpaceMember.Role.MODERATOR)
    for user in participants:
        SpaceMember.objects.create(space=space, user=user, role=SpaceMember.Role.PARTICIPANT)
    return space


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Rencontre n°{n}")
    kind = Event.Kind.MEETUP
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    place = "Maison des associations, Nevers"
    organiser = factory.SubFactory(UserFactory)

    @factory.post_generation
    def spaces(event, create, extracted, **kwargs):
        if create and extracted:
            event.spaces.set(extracted)


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventRegistration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(UserFactory)
    status = EventRegistration.Status.REGISTERED


class CodevSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodevSession
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Situation n°{n}")
    case_holder = factory.SubFactory(UserFactory)
    facilitator = factory.SubFactory(UserFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    place = "Visio"
    problem_statement = "Nos bénévoles s'essoufflent au bout de six mois."

    @factory.post_generation
    def consultants(session, create, extracted, **kwargs):
        if create and extracted:
            session.consultants.set(extracted)


class CodevContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodevContribution

    session = factory.SubFactory(CodevSessionFactory)
    author = factory.SubFactory(UserFactory)
    kind = CodevContribution.Kind.QUESTION
    text = "Depuis quand est-ce ainsi ?"


# --- communities: spaces --------------------------------------------------------------------

from communities.models import Post, Thread  # noqa: E402


class ThreadFactory(factory.django.DjangoModelFactory):
    """A thread with its opening message (pass `opening__body` to choose it)."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    space = factory.LazyFunction(lambda: community_space())
    title = factory.Sequence(lambda n: f"Fil de discussion n°{n}")
    kind = Thread.Kind.DISCUSSION
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def opening(thread, create, extracted, **kwargs):
        if create and extracted is not False:
            Post.objects.create(thread=thread, author=thread.author, is_opening=True,
                                created_at=thread.created_at,
                                body=kwargs.get("body", "Bonjour à toutes et à tous."))


class PostFactory(factory.django.DjangoModelFactory):
    """A reply (the thread's counter and last activity are left to the caller)."""

    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Réponse n°{n}")


# --- background: reminders --------------------------------------------------------------------

from programmes.models import ActionItem, Registration  # noqa: E402


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An open action of a project, due in ten days, owned by a person with an account."""

    class Meta:
        model = ActionItem

    project = factory.SubFactory(ScalingProjectFactory)
    title = factory.Sequence(lambda n: f"Action n°{n}")
    owner_user = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))


class TrainingRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(TrainingSessionFactory)
    person = factory.SubFactory(UserFactory)
    site = factory.SubFactory(AdopterSiteFactory,
                              project=factory.SelfAttribute("..session.module.project"))
