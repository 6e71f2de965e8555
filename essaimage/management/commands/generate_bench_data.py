"""Fill the database with a large, reproducible dataset for `make bench`."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import override_settings

from communities.models import Structure, User
from essaimage.benchdata.community import create_community, delete_community
from essaimage.benchdata.directory import BENCH_DOMAIN, BENCH_EMAIL, BenchData, create_directory
from essaimage.benchdata.evaluations import (
    create_evaluations,
    create_report_project,
    delete_evaluations,
)
from essaimage.benchdata.funders import create_funder_portfolio
from essaimage.benchdata.innovations import create_bank, create_reviewed_call
from essaimage.benchdata.programmes import create_programme
from essaimage.benchdata.reminders import create_reminder_items
from innovations.models import Application, Call, Innovation, Resource
from programmes.models import (
    AdopterSite,
    Payment,
    Programme,
    Registration,
    ScalingProject,
    TrainingSession,
)


class Command(BaseCommand):
    help = "Create a large, reproducible dataset (directory, knowledge bank, a reviewed call)."

    def add_arguments(self, parser):
        parser.add_argument("--structures", type=int, default=5000)
        parser.add_argument("--users", type=int, default=50000)
        parser.add_argument("--innovations", type=int, default=2000)
        parser.add_argument("--resources", type=int, default=10000)
        parser.add_argument("--applications", type=int, default=300)
        parser.add_argument("--reviews-per-application", type=int, default=5)
        parser.add_argument("--projects", type=int, default=500)
        parser.add_argument("--sites", type=int, default=1000)
        parser.add_argument("--evaluation-projects", type=int, default=85,
                            help="Projects reporting indicators besides the big one.")
        parser.add_argument("--evaluation-sites", type=int, default=40,
                            help="Sites of each of those projects.")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the previous bench data first."
        )

    def handle(self, *args, **options):
        self.check_sizes(options)
        started = time.perf_counter()
        with transaction.atomic():
            if User.objects.filter(email=BENCH_EMAIL).exists():
                if not options["reset"]:
                    raise CommandError(
                        f"Bench data already exists ({BENCH_EMAIL} is there). "
                        "Pass --reset to delete it and generate it again."
                    )
                self.delete_bench_data()
            data = BenchData(options["seed"])
            directory = create_directory(data, options["structures"], options["users"])
            bank = create_bank(data, directory, options["innovations"], options["resources"])
            create_reviewed_call(data, directory, options["applications"],
                                 options["reviews_per_application"])
            programme = create_programme(data, directory, bank, options["projects"],
                                         options["sites"])
            big_project = (ScalingProject.objects.filter(programme=programme)
                           .annotate(site_count=Count("sites")).order_by("-site_count").first())
            evaluation = create_evaluations(
                data, programme, big_project, options["evaluation_projects"],
                options["evaluation_sites"], directory["structures"])
            create_report_project(data, programme, directory["structures"])
            community = create_community(data, programme, directory)
            create_reminder_items(data, programme, directory)
            create_funder_portfolio(data, programme, big_project)
        self.analyze()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Bench data ready in {elapsed:.1f} s: {len(directory['structures'])} structures, "
            f"{len(directory['people']) + 1} people, {directory['memberships']} memberships, "
            f"{len(bank['innovations'])} innovations, {len(bank['resources'])} resources, "
            f"a call with {options['applications']} applications and "
            f"{options['applications'] * options['reviews_per_application']} reviews, "
            f"a programme of {options['projects']} projects, one with {options['sites']} sites "
            f"and {1 + options['evaluation_projects']} of them reporting indicators "
            f"({evaluation['reports']} reports, {evaluation['values']} values) and one of 50 sites "
            f"with every part of its PDF report, "
            f"a cohort space of {community['threads']} threads and {community['posts']} "
            f"messages, an adopter in 3 structures with {community['sites']} sites, "
            f"three funders with options on the big project "
            f"(seed {options['seed']}). Bench login: {BENCH_EMAIL}."
        ))

    def check_sizes(self, options) -> None:
        if min(options["structures"], options["users"], options["innovations"]) < 1:
            raise CommandError("--structures, --users and --innovations must be at least 1.")
        if options["sites"] > options["structures"]:
            raise CommandError("Each site needs its own structure: raise --structures.")
        if options["evaluation_sites"] > options["structures"]:
            raise CommandError("Each site of a project needs its own structure: raise "
                               "--structures.")
        if options["applications"] >= options["structures"]:
            raise CommandError("Each application needs its own structure: raise --structures.")
        if options["reviews_per_application"] > 200 or options["users"] < 200:
            raise CommandError("Reviewers come from 200 bench people: keep --users ≥ 200 and "
                               "--reviews-per-application ≤ 200.")

    def delete_bench_data(self) -> None:
        bench_user = User.objects.get(email=BENCH_EMAIL)
        bench_structures = Structure.objects.filter(created_by=bench_user)
        # Deleting bench rows is not an event worth an audit trail.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            programmes = Programme.objects.filter(staff=bench_user)
            delete_evaluations(programmes)
            delete_community(programmes)
            # Payments keep their option (PROTECT): they go before the projects' pools.
            Payment.objects.filter(option__pool__project__programme__in=programmes).delete()
            Registration.objects.filter(session__module__project__programme__in=programmes).delete()
            TrainingSession.objects.filter(module__project__programme__in=programmes).delete()
            AdopterSite.objects.filter(project__programme__in=programmes).delete()
            ScalingProject.objects.filter(programme__in=programmes).delete()
            programmes.delete()
            calls = Call.objects.filter(managers=bench_user)
            Application.objects.filter(call__in=calls).delete()
            calls.delete()
            Resource.objects.filter(created_by__email__endswith=f"@{BENCH_DOMAIN}").delete()
            Innovation.objects.filter(owner__in=bench_structures).delete()
            bench_structures.delete()
            User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
            bench_user.delete()
        self.stdout.write("Previous bench data deleted.")

    def analyze(self) -> None:
        # Fresh tables have no planner statistics until autovacuum passes; measure real plans.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
