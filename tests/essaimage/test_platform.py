"""Platform-wide guarantees: deploy checks, migrations, health, demo data, admin, translations."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse

from communities.models import Invitation, Membership, Structure, Territory, User
from programmes.models import Programme

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "essaimage.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-like-secret-key-0123456789-abcdefghijkl",
        "ALLOWED_HOSTS": "essaimage.example.org",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "essaimage.settings", "DEBUG": "false"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_all_french_regions_and_departments_are_loaded():
    assert Territory.objects.regions().count() == 18
    assert Territory.objects.departments().count() == 101
    corse_du_sud = Territory.objects.departments().get(code="2A")
    assert corse_du_sud.parent.name == "Corse"
    assert Territory.objects.departments().get(code="976").parent.name == "Mayotte"
    assert not Territory.objects.departments().filter(parent__isnull=True).exists()


@pytest.mark.django_db
def test_health_check_answers_without_a_session(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    counts = _counts()
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert _counts() == counts
    assert User.objects.filter(email="alice@essaimage.test", is_staff=True).exists()
    assert Programme.objects.filter(name__startswith="AIS#Emploi").exists()


@pytest.mark.django_db
def test_the_demo_has_two_years_of_quarterly_values_with_gaps_and_a_review_under_way():
    from evaluations.models import (
        EvaluationPhase,
        FidelityAssessment,
        QuestionnaireAssignment,
        SiteReport,
    )

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    reports = SiteReport.objects.filter(site__project__title__contains="TAPAJ")
    # Nièvre reports all eight quarters of 2019-2020, Isère five (it started later, missed one).
    assert reports.count() == 13
    assert sorted(set(reports.values_list("status", flat=True))) == [
        "returned", "submitted", "validated"]
    assert EvaluationPhase.objects.filter(plan__project__title__contains="VITA", number=3,
                                          status="in_progress").exists()
    assert FidelityAssessment.objects.filter(site__project__title__contains="TAPAJ",
                                             status="completed").count() == 4
    answered = QuestionnaireAssignment.objects.filter(
        questionnaire__project__title__contains="TAPAJ").values_list("status", flat=True)
    assert sorted(answered) == ["pending", "submitted"]


def _counts():
    from innovations.models import Application, Call, Innovation, Resource, ReviewAssignment

    from evaluations.models import (
        EvaluationPhase,
        FidelityAssessment,
        Indicator,
        IndicatorValue,
        SiteReport,
    )
    from programmes.models import AdopterSite, FundingOption, Meeting, Registration, ScalingProject

    models = [User, Structure, Membership, Invitation, Programme, Innovation, Call, Application,
              ReviewAssignment, Resource, ScalingProject, AdopterSite, Meeting, Registration,
              FundingOption, EvaluationPhase, Indicator, SiteReport, IndicatorValue,
              FidelityAssessment]
    counts = {model.__name__: model.objects.count() for model in models}
    counts.update({f"history-{m.__name__}": m.history.count() for m in models})
    return counts


@pytest.mark.django_db
def test_demo_logins_work(client):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    response = client.post(reverse("account_login"),
                           {"login": "bob@essaimage.test", "password": "essaimage-demo"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


ADMIN_MODELS = ["communities/user", "communities/structure", "communities/membership",
                "communities/invitation", "communities/territory", "programmes/programme"]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_lists_search_and_history_work(client, admin_user, programme, bob, model):
    from ..factories import InvitationFactory

    InvitationFactory(structure=programme.lead_structure)
    client.force_login(admin_user)
    base = f"/admin/{model}/"
    assert client.get(base).status_code == 200
    assert client.get(base, {"q": "a"}).status_code == 200
    object_id = client.get(base).context["cl"].result_list[0].pk
    assert client.get(f"{base}{object_id}/change/").status_code == 200
    assert client.get(f"{base}{object_id}/history/").status_code == 200


@pytest.mark.django_db
def test_programme_staff_use_the_admin_through_their_group(client):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    alice = User.objects.get(email="alice@essaimage.test")
    client.force_login(alice)
    assert client.get("/admin/communities/structure/").status_code == 200
    assert client.get("/admin/programmes/programme/").status_code == 200
    # Staff cannot hand out powers: the superuser flag is read-only for them.
    response = client.get(f"/admin/communities/user/{alice.pk}/change/")
    assert "is_superuser" not in response.context["adminform"].form.fields


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["oscar", "bob", "fanny"])
def test_people_without_staff_status_cannot_open_the_admin(client, cast, name):
    client.force_login(cast[name])
    assert client.get("/admin/").status_code == 302


def test_french_catalogue_is_complete():
    catalogue = polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"Untranslated French strings: {untranslated[:10]}"
    assert not fuzzy, f"Fuzzy French strings: {fuzzy[:10]}"


SOURCES = ["manage.py", "essaimage", "communities", "innovations", "programmes", "evaluations",
           "templates"]


def test_catalogue_covers_the_strings_in_the_code(tmp_path):
    """Every translatable string of the code and templates has its entry in the French file."""
    # Extract from a copy: makemessages writes into any locale/ folder it finds.
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=fr", "--no-location",
         "--no-obsolete"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "essaimage.test_settings"},
    )
    assert result.returncode == 0, result.stderr
    shipped = {e.msgid for e in polib.pofile(str(ROOT / "locale/fr/LC_MESSAGES/django.po"))}
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale/fr/LC_MESSAGES/django.po"))}
    missing = sorted(fresh - shipped)
    assert not missing, f"Run `make makemessages` and translate: {missing[:10]}"
