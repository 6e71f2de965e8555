"""Reads for a programme's directory: its adopter sites by territory, the numbers behind the map,
and the list grouped by région then département. Every figure is computed in the database, so
that the page asks the same number of queries for 5 sites or 10,000."""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, Value, When

from communities.models import Territory

from ..models import AdopterSite, ScalingProject

DIRECTORY_PAGE_SIZE = 100
UNLISTED_STATUSES = (AdopterSite.Status.CANDIDATE, AdopterSite.Status.WITHDRAWN)


def listed_sites():
    """The sites a directory lists: those of projects that are not archived, from selection on
    (a candidate is not public before the committee decides) and until they withdraw."""
    return (AdopterSite.objects.filter(project__is_archived=False)
            .exclude(status__in=UNLISTED_STATUSES))


def programme_sites(programme):
    return listed_sites().filter(project__programme=programme)


def projects_of(sites) -> list[ScalingProject]:
    """The projects these sites belong to, for the filter: a project without a listed site
    stays out of the directory, its name included."""
    return list(ScalingProject.objects.filter(pk__in=sites.values("project"))
                .only("pk", "title").order_by("title", "pk"))


def territories_of(sites) -> list[Territory]:
    """The territories of these sites and their régions, for the filter."""
    return list(Territory.objects.filter(
        Q(adopter_sites__in=sites.values("pk")) | Q(children__adopter_sites__in=sites.values("pk"))
    ).distinct().order_by("kind", "code"))


def filter_sites(sites, *, project=None, status: str = "", region=None, department=None):
    if project is not None:
        sites = sites.filter(project=project)
    if status:
        sites = sites.filter(status=status)
    if region is not None:
        # A site on a whole région is in it, as are the sites of its départements.
        sites = sites.filter(Q(territory=region) | Q(territory__parent=region))
    if department is not None:
        sites = sites.filter(territory=department)
    return sites


# --- Figures by territory ----------------------------------------------------------------------


@dataclass
class TerritoryCount:
    territory_id: int
    code: str
    kind: str
    name: str
    region_name: str
    sites: int
    structures: int

    @property
    def is_department(self) -> bool:
        return self.kind == Territory.Kind.DEPARTMENT


@dataclass
class DirectoryFigures:
    """The numbers of sites and structures, in all and per territory."""

    sites: int
    structures: int
    territories: list[TerritoryCount]

    @property
    def by_department(self) -> dict[str, int]:
        """Sites per département INSEE code: what the map shades."""
        return {row.code: row.sites for row in self.territories if row.is_department}

    @property
    def department_count(self) -> int:
        return sum(1 for row in self.territories if row.is_department)

    @property
    def sites_on_regions(self) -> int:
        """Sites that cover a whole région: in the list, not on the map."""
        return sum(row.sites for row in self.territories if not row.is_department)

    def of(self, territory_id) -> TerritoryCount | None:
        return self._by_id.get(territory_id)

    def region_sites(self, region_name: str) -> int:
        return sum(row.sites for row in self.territories if row.region_name == region_name)

    def __post_init__(self):
        self._by_id = {row.territory_id: row for row in self.territories}


def _region_name():
    """The name of a site's région: its territory's parent, or its territory if it is one."""
    return Case(When(territory__kind=Territory.Kind.REGION, then=F("territory__name")),
                default=F("territory__parent__name"), output_field=CharField())


def directory_figures(sites) -> DirectoryFigures:
    """Sites and distinct structures, per territory and in all (two queries)."""
    rows = (sites.order_by()
            .values("territory", "territory__code", "territory__kind", "territory__name")
            .annotate(region=_region_name(), site_count=Count("pk"),
                      structure_count=Count("structure", distinct=True)))
    territories = sorted(
        (TerritoryCount(row["territory"], row["territory__code"], row["territory__kind"],
                        row["territory__name"], row["region"] or "", row["site_count"],
                        row["structure_count"]) for row in rows),
        key=lambda row: (row.region_name, row.is_department, row.code))
    totals = sites.aggregate(sites=Count("pk"), structures=Count("structure", distinct=True))
    return DirectoryFigures(totals["sites"], totals["structures"], territories)


# --- The list ----------------------------------------------------------------------------------


def sites_for_list(sites):
    """The sites in the order of the list: by région, a région's own sites first, then by
    département code, then by structure."""
    return (sites.select_related("structure", "territory__parent", "project__innovation")
            .annotate(region_name=_region_name(),
                      is_whole_region=Case(When(territory__kind=Territory.Kind.REGION,
                                                then=Value(0)), default=Value(1)))
            .order_by("region_name", "is_whole_region", "territory__code", "structure__name",
                      "pk"))


@dataclass
class TerritoryGroup:
    territory: Territory
    figures: TerritoryCount | None
    sites: list = field(default_factory=list)

    @property
    def is_whole_region(self) -> bool:
        return self.territory.kind == Territory.Kind.REGION


@dataclass
class RegionGroup:
    name: str
    site_count: int
    territories: list[TerritoryGroup] = field(default_factory=list)


def group_by_territory(sites, figures: DirectoryFigures) -> list[RegionGroup]:
    """A page of `sites_for_list`, grouped by région then territory, each group with the
    figures of all the filtered sites (not only those on this page)."""
    regions: list[RegionGroup] = []
    for site in sites:
        if not regions or regions[-1].name != site.region_name:
            regions.append(RegionGroup(site.region_name or "",
                                       figures.region_sites(site.region_name or "")))
        groups = regions[-1].territories
        if not groups or groups[-1].territory.pk != site.territory_id:
            groups.append(TerritoryGroup(site.territory, figures.of(site.territory_id)))
        groups[-1].sites.append(site)
    return regions
