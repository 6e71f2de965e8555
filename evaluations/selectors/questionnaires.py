"""Reads for the questionnaire pages: lists with their counts, the respondent's assignments,
and the summary of the answers, each in a fixed number of queries.

The summary counts submitted answers only; drafts of answers stay the respondent's own. Every
figure is aggregated in the database: Python only lays out the rows it gets back.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from programmes.models import AdopterSite

from ..models import Answer, Question, Questionnaire, QuestionnaireAssignment
from ..access_questionnaires import respondent_assignments

S = Questionnaire.Status
K = Question.Kind
A = QuestionnaireAssignment.Status
# Text answers shown per question on the summary; the rest is counted.
TEXT_ANSWERS_SHOWN = 100
PAGE_SIZE = 25

ASSIGNMENT_RELATED = ("site__structure", "site__territory", "peer_site__structure",
                      "peer_site__territory", "person")


def _count(queryset, outer="pk"):
    """A correlated COUNT(*) subquery: counts that do not multiply each other's rows."""
    return Coalesce(Subquery(queryset.order_by().values(outer).annotate(n=Count("pk"))
                             .values("n")[:1], output_field=IntegerField()), 0)


def questionnaires_for_project(project):
    """The project's questionnaires with how many questions, assignments and submissions."""
    assignments = QuestionnaireAssignment.objects.filter(questionnaire=OuterRef("pk"))
    return (Questionnaire.objects.filter(project=project)
            .annotate(question_count=_count(Question.objects.filter(questionnaire=OuterRef("pk")),
                                            "questionnaire"),
                      assigned_count=_count(assignments, "questionnaire"),
                      submitted_count=_count(assignments.filter(status=A.SUBMITTED),
                                             "questionnaire"))
            .order_by("-created_at", "-pk"))


def assignments_of(questionnaire):
    """Who the questionnaire was sent to, for the sending page."""
    return (questionnaire.assignments.select_related(*ASSIGNMENT_RELATED)
            .order_by("status", "site__structure__name", "person__last_name", "pk"))


def my_assignments(user):
    """The questionnaires `user` answers, those to answer first, with whether a draft was
    started and whether the questionnaire still takes answers."""
    return (respondent_assignments(user)
            .select_related("questionnaire__project", *ASSIGNMENT_RELATED)
            .annotate(is_started=Exists(Answer.objects.filter(assignment=OuterRef("pk"))),
                      is_to_answer=Case(When(status=A.PENDING, questionnaire__status=S.OPEN,
                                             then=Value(True)),
                                        default=Value(False), output_field=BooleanField()))
            .order_by("-is_to_answer", "status", "due_on", "-questionnaire__created_at", "pk"))


# --- The summary -----------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    share: Decimal  # of the answers to the question, in %


@dataclass
class QuestionSummary:
    question: Question
    count: int = 0
    average: Decimal | None = None
    bars: list[Bar] = field(default_factory=list)
    texts: list[Answer] = field(default_factory=list)
    more_texts: int = 0


@dataclass
class Summary:
    assigned: int
    submitted: int
    questions: list[QuestionSummary]

    @property
    def response_rate(self) -> Decimal | None:
        if not self.assigned:
            return None
        return _percent(self.submitted, self.assigned)


def _percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _submitted_answers(questionnaire):
    return Answer.objects.filter(question__questionnaire=questionnaire,
                                 assignment__status=A.SUBMITTED)


def questionnaire_summary(questionnaire) -> Summary:
    """Per question: for a scale its count, average and distribution, for choices the count
    of each choice, for text the answers with who gave them; and the response rate. Five
    queries whatever the number of answers."""
    rates = questionnaire.assignments.aggregate(
        assigned=Count("pk"), submitted=Count("pk", filter=Q(status=A.SUBMITTED)))
    questions = list(questionnaire.questions.all())
    summaries = {question.pk: QuestionSummary(question) for question in questions}
    answers = _submitted_answers(questionnaire)

    scale_pks = [q.pk for q in questions if q.kind == K.SCALE]
    if scale_pks:
        for row in (answers.filter(question__in=scale_pks, number__isnull=False)
                    .values("question", "number").annotate(n=Count("pk"))
                    .order_by("question", "number")):
            summaries[row["question"]].bars.append((row["number"], row["n"]))
        for row in (answers.filter(question__in=scale_pks, number__isnull=False)
                    .values("question").annotate(n=Count("pk"), average=Avg("number"))
                    .order_by()):
            summary = summaries[row["question"]]
            summary.count = row["n"]
            summary.average = Decimal(str(row["average"])).quantize(Decimal("0.01"),
                                                                    ROUND_HALF_UP)
        for question in questions:
            if question.kind != K.SCALE:
                continue
            summary = summaries[question.pk]
            counts = dict(summary.bars)
            summary.bars = [Bar(str(point), counts.get(point, 0),
                                _percent(counts.get(point, 0), summary.count))
                            for point in range(question.scale_min, question.scale_max + 1)]

    choice_pks = [q.pk for q in questions if q.kind in (K.SINGLE_CHOICE, K.MULTIPLE_CHOICE)]
    if choice_pks:
        # Answers keep their choices in the order offered, so the database groups identical
        # answers; each group's count then goes to every choice it holds.
        counts = {pk: {} for pk in choice_pks}
        for row in (answers.filter(question__in=choice_pks)
                    .values("question", "choices").annotate(n=Count("pk"))
                    .order_by()):
            if not row["choices"]:
                continue
            summaries[row["question"]].count += row["n"]
            for choice in row["choices"]:
                counts[row["question"]][choice] = counts[row["question"]].get(choice, 0) + row["n"]
        for question in questions:
            if question.pk not in counts:
                continue
            summary = summaries[question.pk]
            chosen = counts[question.pk]
            summary.bars = [Bar(choice, chosen.get(choice, 0),
                                _percent(chosen.get(choice, 0), summary.count))
                            for choice in question.choices]

    text_pks = [q.pk for q in questions if q.kind == K.TEXT]
    if text_pks:
        texts = (answers.filter(question__in=text_pks).exclude(text="")
                 .select_related(*(f"assignment__{name}" for name in ASSIGNMENT_RELATED))
                 .annotate(rank=Window(RowNumber(), partition_by="question",
                                       order_by=["assignment__submitted_at", "pk"]),
                           total=Window(Count("pk"), partition_by="question"))
                 .filter(rank__lte=TEXT_ANSWERS_SHOWN)
                 .order_by("question", "rank"))
        for answer in texts:
            summary = summaries[answer.question_id]
            summary.texts.append(answer)
            summary.count = answer.total
            summary.more_texts = answer.total - len(summary.texts)
        for summary in summaries.values():
            if summary.texts:
                summary.more_texts = summary.count - len(summary.texts)

    return Summary(rates["assigned"], rates["submitted"],
                   [summaries[question.pk] for question in questions])


def not_answered(questionnaire):
    """The assignments still waiting for answers, for a page of who has not answered."""
    return (questionnaire.assignments.filter(status=A.PENDING)
            .select_related(*ASSIGNMENT_RELATED)
            .annotate(is_started=Exists(Answer.objects.filter(assignment=OuterRef("pk"))))
            .order_by("due_on", "site__structure__name", "person__last_name", "pk"))


# --- Peer assessment -------------------------------------------------------------------------


@dataclass
class PeerLine:
    question: Question
    self_average: Decimal | None = None
    self_count: int = 0
    peer_average: Decimal | None = None
    peer_count: int = 0

    @property
    def gap(self) -> Decimal | None:
        if self.self_average is None or self.peer_average is None:
            return None
        return self.peer_average - self.self_average


@dataclass
class PeerComparison:
    site: AdopterSite
    lines: list[PeerLine]

    @property
    def has_both(self) -> bool:
        return any(line.gap is not None for line in self.lines)


def assessed_sites(questionnaire):
    """The sites some submitted answers are about: their own (self-assessment) or a peer's."""
    submitted = questionnaire.assignments.filter(status=A.SUBMITTED)
    return (AdopterSite.objects
            .filter(Q(pk__in=submitted.filter(peer_site__isnull=False).values("peer_site"))
                    | Q(pk__in=submitted.filter(peer_site__isnull=True, site__isnull=False)
                        .values("site")))
            .select_related("structure", "territory")
            .order_by("structure__name", "pk"))


def peer_comparisons(questionnaire, sites) -> list[PeerComparison]:
    """For each site, on each scale question: the average of its own answers (the site
    answering about itself) beside the average of its peers' answers about it. One query."""
    sites = list(sites)
    questions = [q for q in questionnaire.questions.all() if q.kind == K.SCALE]
    site_pks = [site.pk for site in sites]
    rows = (_submitted_answers(questionnaire)
            .filter(question__in=[q.pk for q in questions], number__isnull=False)
            .filter(Q(assignment__peer_site__in=site_pks)
                    | Q(assignment__peer_site__isnull=True, assignment__site__in=site_pks))
            .annotate(assessed=Coalesce("assignment__peer_site", "assignment__site"),
                      is_peer=Case(When(assignment__peer_site__isnull=False, then=Value(True)),
                                   default=Value(False), output_field=BooleanField()))
            .values("assessed", "question", "is_peer")
            .annotate(n=Count("pk"), average=Avg("number"))
            .order_by())
    figures = {(row["assessed"], row["question"], row["is_peer"]): row for row in rows}
    comparisons = []
    for site in sites:
        lines = []
        for question in questions:
            line = PeerLine(question)
            for is_peer in (False, True):
                row = figures.get((site.pk, question.pk, is_peer))
                if row is None:
                    continue
                average = Decimal(str(row["average"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
                if is_peer:
                    line.peer_average, line.peer_count = average, row["n"]
                else:
                    line.self_average, line.self_count = average, row["n"]
            lines.append(line)
        comparisons.append(PeerComparison(site, lines))
    return comparisons
