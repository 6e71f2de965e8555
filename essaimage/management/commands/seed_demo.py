from django.core.management.base import BaseCommand
from django.db import transaction

from communities.demo import PEOPLE, seed_people, seed_structures
from essaimage.demo import DEMO_DOMAIN, DEMO_PASSWORD
from evaluations.demo import seed_evaluations
from innovations.demo import seed_bank, seed_calls, seed_innovations
from programmes.demo import seed_programmes
from programmes.demo_community import seed_community
from programmes.demo_funders import seed_funders
from programmes.demo_pipeline import seed_pipeline


class Command(BaseCommand):
    help = "Load realistic French demo data and one login per role; safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        structures = seed_structures()
        people = seed_people(structures)
        programmes = seed_programmes(structures, people)
        innovations = seed_innovations(structures, people)
        seed_calls(structures, people, innovations)
        seed_bank(structures, people, innovations)
        projects = seed_pipeline(structures, people, programmes, innovations)
        seed_evaluations(people, projects)
        seed_funders(structures, people, projects)
        seed_community(programmes, people)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (password: "
                                             f"{DEMO_PASSWORD}):"))
        for prefix, first_name, last_name, _job, structure, _role, demonstrates in PEOPLE:
            email = f"{prefix}@{DEMO_DOMAIN}"
            where = f", {structure}" if structure else ""
            self.stdout.write(f"  {email:<26} {demonstrates:<26} {first_name} {last_name}{where}")
