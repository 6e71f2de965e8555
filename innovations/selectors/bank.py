"""Reads for the knowledge bank: the search with its facets, the panel of an innovation page,
and the lists of resources.

Every count is computed by the database, and each page runs the same number of queries
whatever the size of the bank.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communities.models import Membership, Territory, fold

from ..models import (
    Comment,
    Endorsement,
    Innovation,
    Resource,
    ResourceRating,
    ScalingModelChoice,
    TargetPublic,
    Theme,
)
from ..scaling import ScalingModel
from ..services.records import SEARCH_CONFIG

SEARCH_PAGE_SIZE = 20
RESOURCE_PAGE_SIZE = 20
# The panel of an innovation page shows the latest comments and resources; the rest is a link.
PANEL_COMMENTS = 50
PANEL_RESOURCES = 10


def count_of(queryset, distinct: str = ""):
    """A correlated count of `queryset` (of its distinct `distinct` values if given), 0 when
    nothing matches, to annotate each row of an outer query."""
    counted = (
        queryset.order_by()
        .annotate(_all=Value(1, output_field=IntegerField()))
        .values("_all")
        .annotate(_count=Count(distinct, distinct=True) if distinct else Count("*"))
        .values("_count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- Text search ------------------------------------------------------------------------


class PrefixSearchQuery(SearchQuery):
    """A web-style query (quotes, "or", "-") whose every stem also matches longer words.

    French stemming alone keeps "essaimer" (essaim) and "essaimage" (essaimag) apart; as a
    prefix, the stem of the query finds both, and accents never matter thanks to unaccent.
    An excluded word ("-logement") stays exact, so that it does not exclude "logistique".
    """

    # Lexemes are quoted in the text form of a tsquery, a quote inside one being doubled.
    LEXEME = r"'((?:[^']|'')+)'"
    PREFIXED = r"'\1':*"
    EXCLUDED_PREFIXED = r"!'((?:[^']|'')+)':\*"
    EXCLUDED = r"!'\1'"

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        prefixed = f"regexp_replace(({sql})::text, %s, %s, 'g')"
        return (f"regexp_replace({prefixed}, %s, %s, 'g')::tsquery",
                [*params, self.LEXEME, self.PREFIXED, self.EXCLUDED_PREFIXED, self.EXCLUDED])


def words_of(text: str) -> list[str]:
    """The folded words of a query, without the punctuation of web-style search syntax."""
    return re.findall(r"\w+", fold(text))


def clean_query_text(text: str) -> str:
    # PostgreSQL refuses NUL characters in any string.
    return (text or "").replace("\x00", "").strip()


def matching_text(queryset, text: str):
    """Innovations whose search document matches `text`, with a `rank` on PostgreSQL."""
    text = clean_query_text(text)
    if not text:
        return queryset, False
    if connections[queryset.db].vendor == "postgresql":
        query = PrefixSearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        ), True
    # SQLite has no full-text search here: every folded word must appear in the folded text.
    for word in words_of(text)[:20]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset, False


# --- Bank search ------------------------------------------------------------------------


class Sort:
    RELEVANCE = "relevance"
    RECENT = "recent"
    TITLE = "title"

    # Relevance is the default; without words to match, the most recent come first.
    CHOICES = [
        ("", _("Relevance")),
        (RECENT, _("Most recently published")),
        (TITLE, _("Title (A to Z)")),
    ]


@dataclass(frozen=True)
class BankFilters:
    """What a person asks of the bank; within a facet values add up, facets narrow down."""

    text: str = ""
    themes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    publics: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    sort: str = ""

    def facet_values(self, name: str) -> tuple[str, ...]:
        return getattr(self, FACET_FIELDS[name])

    @property
    def is_empty(self) -> bool:
        return not (self.text or any(self.facet_values(name) for name in FACET_FIELDS))


# Facet name (also the query-string parameter) → attribute of BankFilters.
FACET_FIELDS = {
    "theme": "themes",
    "territory": "regions",
    "public": "publics",
    "evidence": "evidence",
    "model": "models",
    "stage": "stages",
}
FACET_LABELS = {
    "theme": _("Theme"),
    "territory": _("Region"),
    "public": _("Target public"),
    "evidence": _("Level of evidence"),
    "model": _("Scaling model"),
    "stage": _("Stage"),
}


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    # The first options are shown; the others behind a "show more" disclosure.
    visible: int = 8

    @property
    def shown(self) -> list[FacetOption]:
        return self.options[: self.visible]

    @property
    def more(self) -> list[FacetOption]:
        return self.options[self.visible:]

    @property
    def selected_count(self) -> int:
        return sum(option.selected for option in self.options)


@dataclass
class BankSearch:
    innovations: object  # the ordered QuerySet of matching innovations, for a Paginator
    facets: list[Facet] = field(default_factory=list)
    sort: str = Sort.RECENT
    has_text: bool = False


def bank_innovations(user):
    """What the bank lists: published innovations, for a signed-in person."""
    return Innovation.objects.visible_to(user).published()


def _in_innovations(through_queryset) -> Q:
    return Q(pk__in=through_queryset.values("innovation_id"))


def facet_conditions(filters: BankFilters) -> dict[str, Q]:
    """One condition per active facet; each keeps innovations having one of the values."""
    conditions = {}
    if filters.themes:
        conditions["theme"] = _in_innovations(
            Innovation.themes.through.objects.filter(theme__slug__in=filters.themes))
    if filters.regions:
        # A département counts for its région.
        territories = Territory.objects.filter(
            Q(kind=Territory.Kind.REGION, code__in=filters.regions)
            | Q(kind=Territory.Kind.DEPARTMENT, parent__kind=Territory.Kind.REGION,
                parent__code__in=filters.regions)
        )
        conditions["territory"] = _in_innovations(
            Innovation.territories.through.objects.filter(territory__in=territories))
    if filters.publics:
        conditions["public"] = _in_innovations(
            Innovation.publics.through.objects.filter(targetpublic__slug__in=filters.publics))
    if filters.evidence:
        conditions["evidence"] = Q(evidence_level__in=filters.evidence)
    if filters.models:
        conditions["model"] = _in_innovations(
            ScalingModelChoice.objects.filter(model__in=filters.models))
    if filters.stages:
        conditions["stage"] = Q(stage__in=filters.stages)
    return conditions


def _reference_facet(name, options, relation: str, within, selected) -> Facet:
    """Counts for a facet whose values are rows (themes, publics), zeros included, in one pass."""
    rows = options.annotate(
        count=Count(relation, filter=Q(**{f"{relation}__in": within.values("pk")}))
    ).values_list("slug", "name", "count")
    return _facet(name, rows, selected)


def _region_facet(within, selected) -> Facet:
    """Counts per région, a département counting for its région, in one pass."""
    region = Territory.Kind.REGION
    through = Innovation.territories.through.objects.filter(
        Q(territory__kind=region) | Q(territory__parent__kind=region),
        innovation__in=within.values("pk"),
    )
    counted = through.annotate(
        code=Case(When(territory__kind=region, then=F("territory__code")),
                  default=F("territory__parent__code")),
        label=Case(When(territory__kind=region, then=F("territory__name")),
                   default=F("territory__parent__name")),
    ).values("code", "label").annotate(count=Count("innovation_id", distinct=True)).order_by()
    rows = counted.values_list("code", "label", "count")
    if selected:
        # Chosen régions without any innovation left stay on screen, to be unticked.
        chosen = Territory.objects.regions().filter(code__in=selected).annotate(
            count=Value(0, output_field=IntegerField())
        ).values_list("code", "name", "count").order_by()
        rows = rows.union(chosen, all=True)
    counts = {}
    for code, label, count in rows:
        counts[code] = (label, max(count, counts.get(code, ("", 0))[1]))
    return _facet("territory", [(code, label, count) for code, (label, count) in counts.items()],
                  selected)


def _facet(name, rows, selected) -> Facet:
    """Keep the values that match something or are chosen; chosen ones, then the biggest."""
    options = [
        FacetOption(value=value, label=str(label), count=count, selected=value in selected)
        for value, label, count in rows
        if count or value in selected
    ]
    options.sort(key=lambda option: (not option.selected, -option.count, fold(option.label)))
    return Facet(name=name, label=FACET_LABELS[name], options=options)


def _choice_facet(name, choices, counts, selected) -> Facet:
    rows = [(value, label, counts.get(value, 0)) for value, label in choices]
    facet = _facet(name, rows, selected)
    # Ordered values (evidence, stages, models) read best in their own order.
    order = [value for value, _label in choices]
    return Facet(name=name, label=facet.label,
                 options=sorted(facet.options, key=lambda option: order.index(option.value)))


def compute_facets(base, conditions: dict[str, Q], filters: BankFilters) -> list[Facet]:
    """Each facet counts the innovations matching the text and every *other* active facet."""

    def others(name):
        return base.filter(*[q for key, q in conditions.items() if key != name])

    facets = [
        _reference_facet("theme", Theme.objects.all(), "innovations", others("theme"),
                         filters.themes),
        _region_facet(others("territory"), filters.regions),
        _reference_facet("public", TargetPublic.objects.all(), "innovations",
                         others("public"), filters.publics),
    ]

    counts = dict(
        others("evidence").order_by().values_list("evidence_level").annotate(n=Count("pk"))
    )
    facets.append(_choice_facet("evidence", Innovation.EvidenceLevel.choices, counts,
                                filters.evidence))

    counts = dict(
        ScalingModelChoice.objects.filter(innovation__in=others("model").values("pk"))
        .order_by().values_list("model").annotate(n=Count("innovation_id", distinct=True))
    )
    facets.append(_choice_facet("model", ScalingModel.choices, counts, filters.models))

    counts = dict(others("stage").order_by().values_list("stage").annotate(n=Count("pk")))
    facets.append(_choice_facet("stage", Innovation.Stage.choices, counts, filters.stages))
    return facets


def with_endorsement_counts(queryset):
    return queryset.annotate(
        run_it_count=count_of(Endorsement.objects.filter(
            innovation=OuterRef("pk"), kind=Endorsement.Kind.RUN_IT)),
        adopt_count=count_of(Endorsement.objects.filter(
            innovation=OuterRef("pk"), kind=Endorsement.Kind.WANT_TO_ADOPT)),
    )


def bank_results(user, filters: BankFilters):
    """The published innovations matching the text and facets, in the order the bank shows
    them (without owners, themes or counts: the bank's page and its export add theirs)."""
    base, ranked = matching_text(bank_innovations(user), filters.text)
    results = base.filter(*facet_conditions(filters).values())
    sort = filters.sort if filters.sort in (Sort.RECENT, Sort.TITLE) else Sort.RELEVANCE
    return results.order_by(*_ordering(sort, ranked))


def _ordering(sort: str, ranked: bool) -> list[str]:
    # The order of the index on (status, -published_at), so that PostgreSQL reads the first
    # page from it; published innovations always have a publication date.
    recent = ["-published_at", "-pk"]
    if sort == Sort.RELEVANCE and ranked:
        return ["-rank", *recent]
    if sort == Sort.TITLE:
        return ["title", "pk"]
    # Without words to match, or without PostgreSQL to rank them, the newest come first.
    return recent


def search_bank(user, filters: BankFilters) -> BankSearch:
    """Published innovations matching the text and facets, sorted, with every facet's counts."""
    base, ranked = matching_text(bank_innovations(user), filters.text)
    conditions = facet_conditions(filters)
    results = base.filter(*conditions.values())

    sort = filters.sort if filters.sort in (Sort.RECENT, Sort.TITLE) else Sort.RELEVANCE
    ordering = _ordering(sort, ranked)

    innovations = (
        with_endorsement_counts(results)
        # Owners and themes come for the page only: joining 5,000 structures to every match
        # before ranking them costs more than a query.
        .prefetch_related("owner", Prefetch("themes", queryset=Theme.objects.order_by("name")))
        .order_by(*ordering)
    )
    return BankSearch(
        innovations=innovations,
        facets=compute_facets(base, conditions, filters),
        sort=sort,
        has_text=bool(clean_query_text(filters.text)),
    )


# --- The panel on an innovation page ------------------------------------------------------


@dataclass
class BankPanel:
    """What the innovation page shows of its life in the bank."""

    innovation: Innovation
    run_it_count: int
    adopt_count: int
    comment_count: int
    resource_count: int
    my_kinds: frozenset
    is_innovator: bool
    may_moderate: bool
    structures: list
    comments: list
    resources: list
    adopt_form: object = None
    run_it_form: object = None
    comment_form: object = None

    @property
    def is_published(self) -> bool:
        return self.innovation.is_published

    @property
    def may_endorse(self) -> bool:
        return self.is_published and not self.is_innovator

    @property
    def runs_it(self) -> bool:
        return Endorsement.Kind.RUN_IT in self.my_kinds

    @property
    def wants_to_adopt(self) -> bool:
        return Endorsement.Kind.WANT_TO_ADOPT in self.my_kinds

    @property
    def more_comments(self) -> int:
        return max(self.comment_count - len(self.comments), 0)

    @property
    def more_resources(self) -> bool:
        return self.resource_count > len(self.resources)


def visible_comments(user, innovation, *, may_moderate: bool):
    comments = Comment.objects.filter(innovation=innovation)
    return comments if may_moderate else comments.filter(is_hidden=False)


def with_ratings(resources):
    """Each resource's average rating and number of ratings, as correlated subqueries so that
    PostgreSQL computes them only for the rows of the page, unless they are sorted on."""
    ratings = ResourceRating.objects.filter(resource=OuterRef("pk")).order_by().values("resource")
    return resources.annotate(
        average_rating=Subquery(ratings.annotate(average=Avg("stars")).values("average"),
                                output_field=FloatField()),
        rating_count=count_of(ResourceRating.objects.filter(resource=OuterRef("pk"))),
    )


def innovation_bank_context(user, innovation) -> dict:
    """What the innovation page shows of its life in the bank, in four queries."""
    from ..forms.bank import CommentForm, EndorsementForm

    memberships = list(
        Membership.objects.filter(user=user).select_related("structure")
        .order_by("structure__name")
    )
    owner_roles = {m.role for m in memberships if m.structure_id == innovation.owner_id}
    is_innovator = bool(owner_roles)
    may_moderate = user.is_superuser or user.is_staff or Membership.Role.MANAGER in owner_roles
    structures = [m.structure for m in memberships if m.structure_id != innovation.owner_id]

    comments = visible_comments(user, innovation, may_moderate=may_moderate)
    resources = Resource.objects.visible_to(user).filter(innovation=innovation)
    mine = Endorsement.objects.filter(innovation=OuterRef("pk"), user=user)
    counts = with_endorsement_counts(Innovation.objects.filter(pk=innovation.pk)).annotate(
        comment_count=count_of(comments.filter(innovation=OuterRef("pk"))),
        resource_count=count_of(resources.filter(innovation=OuterRef("pk"))),
        runs_it=Exists(mine.filter(kind=Endorsement.Kind.RUN_IT)),
        wants_to_adopt=Exists(mine.filter(kind=Endorsement.Kind.WANT_TO_ADOPT)),
    ).values("run_it_count", "adopt_count", "comment_count", "resource_count", "runs_it",
             "wants_to_adopt").first() or {}

    latest_comments = list(
        comments.select_related("author").order_by("-created_at", "-pk")[:PANEL_COMMENTS]
    )
    latest_comments.reverse()
    panel = BankPanel(
        innovation=innovation,
        run_it_count=counts.get("run_it_count", 0),
        adopt_count=counts.get("adopt_count", 0),
        comment_count=counts.get("comment_count", 0),
        resource_count=counts.get("resource_count", 0),
        my_kinds=frozenset(
            kind for kind, flag in ((Endorsement.Kind.RUN_IT, counts.get("runs_it")),
                                    (Endorsement.Kind.WANT_TO_ADOPT, counts.get("wants_to_adopt")))
            if flag
        ),
        is_innovator=is_innovator,
        may_moderate=may_moderate,
        structures=structures,
        comments=latest_comments,
        resources=list(
            with_ratings(resources.select_related("structure"))
            .order_by("-updated_at", "-pk")[:PANEL_RESOURCES]
        ),
    )
    # Two forms on one page: their own ids, the same field names.
    panel.run_it_form = EndorsementForm(structures=structures, auto_id="run_it_%s",
                                        initial={"kind": Endorsement.Kind.RUN_IT})
    panel.adopt_form = EndorsementForm(structures=structures, auto_id="adopt_%s",
                                       initial={"kind": Endorsement.Kind.WANT_TO_ADOPT})
    panel.comment_form = CommentForm()
    return {"bank": panel}


# --- Endorsements and expressions of interest ----------------------------------------------


def structures_for_endorsement(user, innovation) -> list:
    """The structures a person may speak for about an innovation: theirs, but not its owner."""
    return [
        membership.structure
        for membership in Membership.objects.filter(user=user).select_related("structure")
        .exclude(structure_id=innovation.owner_id).order_by("structure__name")
    ]


def has_endorsed(user, innovation, kind) -> bool:
    """Whether the person already said this of the innovation."""
    return Endorsement.objects.filter(innovation=innovation, user=user, kind=kind).exists()



def adoption_interests_of(innovation):
    """The people who want to adopt the innovation, with their structure and its territory."""
    return (
        innovation.endorsements.filter(kind=Endorsement.Kind.WANT_TO_ADOPT)
        .select_related("user", "structure__department", "structure__region")
        .order_by("-created_at", "-pk")
    )


# --- Resources ----------------------------------------------------------------------------


def resources_for_list(user):
    """Resources a person may see, with their innovation, publisher and ratings."""
    # The publisher comes in a second query, for the page only: joining every structure
    # before sorting would cost more than the query.
    return with_ratings(
        Resource.objects.visible_to(user).select_related("innovation")
        .prefetch_related("structure")
    ).order_by("-updated_at", "-pk")


def resource_ratings(resource, user) -> dict:
    """The average rating, the latest reviews and the person's own rating of a resource."""
    summary = resource.ratings.aggregate(average=Avg("stars"), count=Count("pk"))
    ratings = list(resource.ratings.select_related("user").order_by("-created_at", "-pk")[:20])
    mine = ResourceRating.objects.filter(resource=resource, user=user).first()
    return {"average": summary["average"], "count": summary["count"], "latest": ratings,
            "mine": mine}


def resource_versions(resource, limit: int = 10):
    """The recorded states of a resource, newest first, with who changed it."""
    return resource.history.select_related("history_user").order_by("-history_date")[:limit]
