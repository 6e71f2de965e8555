"""Time pages through a running HTTP server and count their SQL queries; `make bench` runs this.

To measure something new, add one line to MEASUREMENTS: a Page (timed over HTTP against the
server) or a Job (work done outside a request, timed in this process). Every figure is read
beside the floor, a bare view running one `SELECT 1`: the fastest this stack answers here.
"""

import http.client
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from communities.models import Membership, Space, Structure, Thread, User
from essaimage.benchdata.community import PORTAL_EMAIL
from essaimage.benchdata.directory import BENCH_EMAIL, COMMON_WORD
from essaimage.benchdata.funders import FUNDER_EMAIL
from essaimage.benchdata.innovations import BANK_QUERY
from innovations.models import Call, Theme
from programmes.models import Meeting, Programme, ScalingProject


@dataclass(frozen=True)
class BenchFacts:
    """Rows of the bench dataset that the measured paths point at."""

    user: User
    busiest_department_code: str
    member_structure_id: int
    common_word: str
    call_id: int
    theme_slug: str
    programme_id: int
    big_project_id: int
    big_site_id: int
    adopter: User
    cohort_space_id: int
    long_thread_id: int
    funder: User


@dataclass(frozen=True)
class Page:
    """A GET request, timed over HTTP; `path` may depend on the bench data."""

    name: str
    path: str | Callable[[BenchFacts], str]
    # Who asks: the bench login (programme staff) unless the page is an adopter's or a
    # funder's.
    as_adopter: bool = False
    as_funder: bool = False
    # Timed requests, when fewer than the other pages' are enough (an export of 5,000 rows).
    requests: int | None = None

    def person(self, facts: BenchFacts) -> User:
        if self.as_funder:
            return facts.funder
        return facts.adopter if self.as_adopter else facts.user

    def resolve(self, facts: BenchFacts) -> str:
        return self.path(facts) if callable(self.path) else self.path


@dataclass(frozen=True)
class Job:
    """Work done outside a request (a task, an export), timed by calling it here."""

    name: str
    run: Callable[..., object]
    # Timed runs, when fewer than the pages' requests are enough (a PDF takes a second).
    runs: int | None = None
    # Untimed runs first, when fewer than the pages' warm-up are enough (an import of a minute).
    warmup: int | None = None
    # Untimed work before each run (e.g. removing the previous run's rows); what it returns is
    # given to `run` after the facts.
    prepare: Callable[[BenchFacts], object] | None = None

    def timed_run(self, facts: BenchFacts) -> float:
        """One run, prepared first; the milliseconds of the run alone."""
        arguments = (self.prepare(facts),) if self.prepare else ()
        started = time.perf_counter()
        self.run(facts, *arguments)
        return (time.perf_counter() - started) * 1000


# The twelve quarters of the bench evaluation, and the start of its last four.
EVALUATION_RANGE = ("2022-01-01", "2024-12-31", "2024-01-01")

FLOOR = Page("floor (bare view, SELECT 1)", "/sante/")

# What `make bench` measures, in this order, after the floor. One line per page or job.
MEASUREMENTS = [
    Page("directory", "/structures/"),
    Page("directory, département + kind",
         lambda f: f"/structures/?department={f.busiest_department_code}&kind=association"),
    Page("directory, text search", lambda f: f"/structures/?q={f.common_word}"),
    Page("directory, page 100", "/structures/?page=100"),
    Page("structure detail (member)", lambda f: f"/structures/{f.member_structure_id}/"),
    Page("bank: browse (2,000 innovations)", "/innovations/"),
    Page("bank: French full-text search", f"/innovations/?q={BANK_QUERY.replace(' ', '+')}"),
    Page("bank: search + theme facet",
         lambda f: f"/innovations/?q=insertion&theme={f.theme_slug}"),
    Page("resources (10,000)", "/ressources/"),
    Page("call ranking (300 applications, 1,500 reviews)",
         lambda f: f"/appels/{f.call_id}/classement/"),
    Page("roadmap (500 projects)", lambda f: f"/programmes/{f.programme_id}/feuille-de-route/"),
    Page("site list (1,000 sites)", lambda f: f"/programmes/projets/{f.big_project_id}/sites/"),
    Page("project overview (1,000 sites)", lambda f: f"/programmes/projets/{f.big_project_id}/"),
    Page("project dashboard (1,000 sites × 20 indicators × 12 quarters)",
         lambda f: f"/evaluations/projets/{f.big_project_id}/tableau-de-bord/"
                   f"?date_from={EVALUATION_RANGE[0]}&date_to={EVALUATION_RANGE[1]}"),
    Page("project dashboard, last four quarters",
         lambda f: f"/evaluations/projets/{f.big_project_id}/tableau-de-bord/"
                   f"?date_from={EVALUATION_RANGE[2]}&date_to={EVALUATION_RANGE[1]}"),
    Page("programme dashboard (1,000,000 values)",
         lambda f: f"/evaluations/programmes/{f.programme_id}/tableau-de-bord/"
                   f"?date_from={EVALUATION_RANGE[0]}&date_to={EVALUATION_RANGE[1]}"),
    Page("site dashboard (20 indicators × 12 quarters)",
         lambda f: f"/evaluations/sites/{f.big_site_id}/tableau-de-bord/"
                   f"?date_from={EVALUATION_RANGE[0]}&date_to={EVALUATION_RANGE[1]}"),
    Page("export of one site's values (CSV)",
         lambda f: f"/evaluations/projets/{f.big_project_id}/valeurs.csv?site={f.big_site_id}"),
    Page("member portal (3 structures, 30 sites)", "/portail/", as_adopter=True),
    Page("cohort feed (5,000 threads)",
         lambda f: f"/communaute/espaces/{f.cohort_space_id}/", as_adopter=True),
    Page("cohort feed, text search",
         lambda f: f"/communaute/espaces/{f.cohort_space_id}/?q=convention", as_adopter=True),
    Page("cohort feed, answered questions",
         lambda f: f"/communaute/espaces/{f.cohort_space_id}/?kind=answered", as_adopter=True),
    Page("thread of 200 replies",
         lambda f: f"/communaute/discussions/{f.long_thread_id}/", as_adopter=True),
    Page("notifications (500)", "/notifications/", as_adopter=True),
    Page("community events", "/communaute/evenements/", as_adopter=True),
    Page("programme directory and map (1,000+ sites)",
         lambda f: f"/programmes/{f.programme_id}/annuaire/"),
    Page("funders' portfolio dashboard (500 projects, 1,000,000 values)",
         "/evaluations/financeurs/", as_funder=True),
    Page("funders' portfolio, one year",
         "/evaluations/financeurs/?date_from=2024-01-01&date_to=2024-12-31", as_funder=True),
    Page("funders' portfolio, rows behind people reached",
         "/evaluations/financeurs/lignes/personnes-touchees/", as_funder=True),
    Page("directory export, 5,000 structures (CSV)", "/structures/export.csv", requests=30),
    Page("directory export, 5,000 structures (XLSX)", "/structures/export.xlsx", requests=30),
    Page("site list export, 1,000 sites (CSV)",
         lambda f: f"/programmes/projets/{f.big_project_id}/sites/export.csv", requests=30),
    Page("site list export, 1,000 sites (XLSX)",
         lambda f: f"/programmes/projets/{f.big_project_id}/sites/export.xlsx", requests=30),
    Page("API: structures (5,000)", "/api/v1/structures/"),
    Page("API: sites of the 1,000-site project",
         lambda f: f"/api/v1/sites/?project={f.big_project_id}"),
    Page("API: values of the big project",
         lambda f: f"/api/v1/indicator-values/?project={f.big_project_id}"),
    Page("API: one site's validated values",
         lambda f: f"/api/v1/indicator-values/?site={f.big_site_id}&status=validated"),
    Page("API: values of the big project, as a funder",
         lambda f: f"/api/v1/indicator-values/?project={f.big_project_id}", as_funder=True),
    Job("funders' portfolio figures computed again (the page's button)",
        lambda f: portfolio_figures(f, refresh=True), runs=20),
    Job("funders' portfolio figures from an empty cache",
        lambda f, _cleared: portfolio_figures(f), prepare=lambda f: cache.clear(), runs=10),
    Job("committee pack PDF (1,000 sites × 20 indicators)", lambda f: render_committee_pack(f),
        runs=20),
    Job("project report PDF (50 sites × 20 indicators × 12 quarters)",
        lambda f: render_project_report(f), runs=20),
    Job("reminder scan (10,000 due items)", lambda f: scan_reminders_once(), runs=10),
    Job("import of 50,000 structures (CSV: analysis + import)",
        lambda f, job_id: import_structures(job_id), prepare=lambda f: upload_structures(f),
        runs=3, warmup=0),
]


def portfolio_figures(facts: BenchFacts, *, refresh: bool = False):
    """The figures of the bench funder's dashboard over its default range, as the page
    computes them: again when asked (the indicator figures then come from their own cache),
    or from an empty cache (every value of the range read)."""
    from evaluations.forms.dashboards import default_range
    from evaluations.selectors import portfolio
    from evaluations.selectors.aggregation import Scope
    from evaluations.selectors.dashboards import reporting_anchor

    found = portfolio.portfolio_for_user(facts.funder)
    date_from, date_to = default_range(reporting_anchor(found.live_projects.values("pk")))
    scope = Scope(date_from=date_from, date_to=date_to)
    return portfolio.dashboard_figures(portfolio.select(found, scope), refresh=refresh)


def render_committee_pack(facts: BenchFacts) -> bytes:
    """The pack of the big project's next steering committee, as the worker renders it."""
    from essaimage.benchdata.programmes import BENCH_MEETING_TITLE
    from essaimage.reports import get_kind, render_pdf

    meeting = Meeting.objects.get(body__project_id=facts.big_project_id,
                                  title=BENCH_MEETING_TITLE)
    return render_pdf(get_kind("committee_pack"), meeting)[0]


def render_project_report(facts: BenchFacts) -> bytes:
    """The report of the bench's project of 50 sites, every part filled, as the worker
    renders it."""
    from essaimage.benchdata.evaluations import REPORT_PROJECT_TITLE
    from essaimage.reports import get_kind, render_pdf

    project = ScalingProject.objects.get(programme_id=facts.programme_id,
                                         title=REPORT_PROJECT_TITLE)
    return render_pdf(get_kind("project_report"), project)[0]


def scan_reminders_once() -> int:
    """One reminder scan at the hour 10,000 bench actions fall due: their rows recorded in the
    sent-log, no e-mail queued (only the scan and the inserts are timed), then deleted so that
    the next run records them again."""
    from essaimage.benchdata.reminders import REMINDER_ITEMS, SCAN_AT
    from essaimage.models import SentReminder
    from essaimage.reminders import scan_reminders

    queued = scan_reminders(SCAN_AT, queue=False).queued
    SentReminder.objects.filter(queued_at=SCAN_AT).delete()
    if queued < REMINDER_ITEMS:
        raise CommandError("The bench has no reminders due: run `manage.py generate_bench_data "
                           "--reset` again.")
    return queued


def upload_structures(facts: BenchFacts) -> int:
    """The previous run's structures removed, and a 50,000-row CSV of structures uploaded by
    the bench login: the import's id (untimed)."""
    from essaimage.benchdata.imports import upload_structures_csv

    return upload_structures_csv(facts.user)


def import_structures(job_id: int) -> int:
    """The uploaded file analysed and imported, as the worker runs it."""
    from essaimage.benchdata.imports import analyse_and_import

    return analyse_and_import(job_id)


# --- Facts and sign-in ------------------------------------------------------------------


def load_facts() -> BenchFacts:
    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        raise CommandError("No bench data: run `manage.py generate_bench_data` first.")
    busiest = (
        Structure.objects.active().exclude(department=None).values("department__code")
        .annotate(count=Count("pk")).order_by("-count", "department__code").first()
    )
    membership = Membership.objects.filter(user=user).order_by("pk").first()
    call = Call.objects.filter(managers=user).order_by("pk").first()
    theme = Theme.objects.order_by("pk").first()
    programme = Programme.objects.filter(staff=user).order_by("pk").first()
    big_project = (ScalingProject.objects.filter(programme=programme)
                   .annotate(site_count=Count("sites")).order_by("-site_count").first())
    big_site = big_project.sites.order_by("pk").first()
    space = Space.objects.get(cohort__programme=programme)
    long_thread = Thread.objects.filter(space=space).order_by("-reply_count").first()
    return BenchFacts(user, busiest["department__code"], membership.structure_id, COMMON_WORD,
                      call.pk, theme.slug, programme.pk, big_project.pk, big_site.pk,
                      User.objects.get(email=PORTAL_EMAIL), space.pk, long_thread.pk,
                      User.objects.get(email=FUNDER_EMAIL))


def session_cookie(user: User) -> str:
    """A signed-in session, as the login view would store it, to send as a cookie."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# --- Measuring --------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    path: str | None
    durations_ms: list[float]
    queries: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.durations_ms)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.durations_ms, n=20)[-1]


class HttpTimer:
    """Sequential GETs on one connection, as one signed-in person clicking through."""

    def __init__(self, base_url: str, cookie: str):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Cookie": cookie, "Accept": "text/html"}

    def get(self, path: str) -> float:
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status != 200:
            # A redirect to the login page or an error page would time the wrong thing.
            raise CommandError(
                f"GET {path} answered {response.status} "
                f"(Location: {response.getheader('Location')}):\n{body[:500]!r}"
            )
        return elapsed_ms

    def close(self) -> None:
        self.connection.close()


def count_page_queries(client: Client, path: str) -> int:
    """Count the queries of one request, run in this process on the same code and database."""
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client.get(path)  # the first request of a process fills caches (content types...)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    if response.status_code != 200:
        raise CommandError(f"GET {path} answered {response.status_code} to the test client.")
    return len(queries)


def time_pages(timers: list[HttpTimer], paths: list[str], warmup: int,
               requests: list[int]) -> list[list]:
    """Durations of each path (each with the timer of the person asking), `requests[i]` of
    path i, requested in turn rather than one path after the other.

    Taking turns spreads any background load over every page alike, so that the ratios to
    the floor hold even when the machine is not idle.
    """
    for turn in range(warmup):
        for timer, path, count in zip(timers, paths, requests):
            if turn < min(warmup, count // 10 or 1):
                timer.get(path)
    durations = [[] for _ in paths]
    for turn in range(max(requests)):
        for index, (timer, path) in enumerate(zip(timers, paths)):
            if turn < requests[index]:
                durations[index].append(timer.get(path))
    return durations


def measure_job(job: Job, facts: BenchFacts, warmup: int, requests: int) -> Result:
    for _ in range(warmup if job.warmup is None else job.warmup):
        job.timed_run(facts)
    arguments = (job.prepare(facts),) if job.prepare else ()
    with CaptureQueriesContext(connection) as queries:
        job.run(facts, *arguments)
    durations = [job.timed_run(facts) for _ in range(min(requests, job.runs or requests))]
    return Result(job.name, None, durations, len(queries))


# --- Reporting --------------------------------------------------------------------------


def as_rows(results: list[Result]) -> list[dict]:
    floor_ms = results[0].median_ms
    return [
        {
            "name": result.name,
            "path": result.path,
            "requests": len(result.durations_ms),
            "median_ms": round(result.median_ms, 2),
            "p95_ms": round(result.p95_ms, 2),
            "queries": result.queries,
            "ratio_to_floor": round(result.median_ms / floor_ms, 1),
        }
        for result in results
    ]


def format_table(rows: list[dict]) -> str:
    header = ("page or job", "requests", "median ms", "p95 ms", "queries", "× floor")
    lines = [[row["name"], str(row["requests"]), f"{row['median_ms']:.1f}",
              f"{row['p95_ms']:.1f}", str(row["queries"]), f"{row['ratio_to_floor']:.1f}"]
             for row in rows]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def line(cells):
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        )

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *map(line, lines)])


def selected(measurements: list, only: list[str]) -> list:
    """The measurements whose name contains one of `only` (case ignored); all without it."""
    if not only:
        return measurements
    words = [word.casefold() for word in only]
    return [m for m in measurements if any(word in m.name.casefold() for word in words)]


class Command(BaseCommand):
    help = "Time the pages of MEASUREMENTS against a running server; write bench/results.json."

    def add_arguments(self, parser):
        parser.add_argument("base_url", help="The server to measure, e.g. http://127.0.0.1:8000")
        parser.add_argument("--requests", type=int, default=300, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=10, help="Untimed requests per page.")
        parser.add_argument(
            "--output", default=str(settings.BASE_DIR / "bench" / "results.json"),
            help="Where to write the results as JSON.",
        )
        parser.add_argument(
            "--only", action="append", default=[], metavar="WORDS",
            help="Measure only the pages and jobs whose name contains WORDS (repeatable; "
                 "the floor is always measured), e.g. --only portfolio --only import.",
        )

    def handle(self, *args, base_url, requests, warmup, output, only, **options):
        if requests < 20:
            raise CommandError("Use at least 20 requests: a p95 needs them.")
        facts = load_facts()
        self.stdout.write(
            f"Measuring {base_url} as {facts.user.email}: {warmup} warm-up and {requests} "
            f"timed requests per page, one at a time, pages taking turns."
        )
        measurements = selected(MEASUREMENTS, only)
        if not measurements:
            raise CommandError(f"No page or job is named like {', '.join(only)}.")
        results = self.measure_all(base_url, facts, measurements, warmup, requests)
        rows = as_rows(results)
        self.stdout.write("\n" + format_table(rows) + "\n")
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(f"Written to {output}.")

    def measure_all(self, base_url, facts, measurements, warmup, requests) -> list[Result]:
        measurements = [FLOOR, *measurements]
        pages = [m for m in measurements if isinstance(m, Page)]
        page_results = iter(self.measure_pages(base_url, facts, pages, warmup, requests))
        # Report in the order of MEASUREMENTS, jobs where they are listed.
        return [
            measure_job(m, facts, warmup, requests) if isinstance(m, Job) else next(page_results)
            for m in measurements
        ]

    def measure_pages(self, base_url, facts, pages, warmup, requests) -> list[Result]:
        paths = [page.resolve(facts) for page in pages]
        people = [page.person(facts) for page in pages]
        for page, path, person in zip(pages, paths, people):
            self.stdout.write(f"  {page.name}: GET {path} as {person.email}")
        timers = {person: HttpTimer(base_url, session_cookie(person)) for person in set(people)}
        try:
            durations = time_pages([timers[person] for person in people], paths, warmup,
                                   [min(requests, page.requests or requests) for page in pages])
        finally:
            for timer in timers.values():
                timer.close()
        clients = {}
        for person in set(people):
            clients[person] = Client()
            clients[person].force_login(person)
        return [
            Result(page.name, path, page_durations,
                   count_page_queries(clients[person], path))
            for page, path, person, page_durations in zip(pages, paths, people, durations)
        ]
