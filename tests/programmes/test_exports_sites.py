"""A project's adopter sites as CSV and XLSX: the list's filters and scoping (readers get
every site, the people of a site their own, others a 404), the list's figures, formulas
neutralised, bounded queries."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from essaimage.exports import headers
from programmes.exports import site_columns
from programmes.models import AdopterSite, Cohort, Registration, TrainingSession

from ..essaimage.export_helpers import column, read_csv, read_xlsx, xlsx_rows
from ..factories import (
    AdopterSiteFactory,
    MembershipFactory,
    ProgrammeFactory,
    ScalingProjectFactory,
    StructureFactory,
    TrainingModuleFactory,
    TrainingSessionFactory,
    department,
)

pytestmark = pytest.mark.django_db
S = AdopterSite.Status


def export_url(project, fmt):
    return reverse("programmes:site_export", args=[project.pk, fmt])


@pytest.fixture
def sites(project, bob, bob_site, carol_site):
    bob_site.name = "=Antenne de Nevers"
    bob_site.start_date = date(2024, 9, 2)
    bob_site.status = S.LAUNCHED
    bob_site.save()
    cohort = Cohort.objects.create(programme=project.programme, name="Promotion 2024")
    cohort.sites.add(bob_site)
    module = TrainingModuleFactory(project=project)
    TrainingModuleFactory(project=project)
    held = TrainingSessionFactory(module=module, status=TrainingSession.Status.HELD)
    Registration.objects.create(session=held, person=bob, site=bob_site, attended=True)
    return bob_site, carol_site


def columns():
    return site_columns(module_count=2, toolkit_required=0)


def test_csv_has_french_headers_the_lists_figures_and_french_dates(client, alice, project,
                                                                   sites):
    client.force_login(alice)
    response = client.get(export_url(project, "csv"), HTTP_ACCEPT_LANGUAGE="fr")
    rows = read_csv(response)

    with translation.override("fr"):
        assert rows[0] == headers(columns())
    assert rows[0][:5] == ["Structure", "Nom du site", "Territoire", "Statut",
                           "Date de démarrage"]
    assert rows[0][5:7] == ["Promotions", "Modules suivis"]
    assert rows[1] == ["Atelier Le Fil", "", "Isère (38)", "Retenue", "", "", "0", "2",
                       "0", "0"]
    assert rows[2][:7] == ["Essor Emploi Nièvre", "'=Antenne de Nevers", "Nièvre (58)",
                           "Lancé", "02/09/2024", "Promotion 2024", "1"]
    assert f'filename="sites-{project.pk}-' in response["Content-Disposition"]


def test_xlsx_has_real_numbers_and_dates_and_plain_strings(client, alice, project, sites):
    client.force_login(alice)
    sheet = read_xlsx(client.get(export_url(project, "xlsx")))

    bob = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Essor Emploi Nièvre")
    assert bob[1].value == "=Antenne de Nevers" and bob[1].data_type == "s"
    assert bob[4].value == datetime(2024, 9, 2) and bob[4].is_date
    assert bob[6].value == 1 and bob[6].data_type == "n"
    assert bob[7].value == 2


@pytest.mark.parametrize("query, structures", [
    ({"status": "launched"}, ["Essor Emploi Nièvre"]),
    ({"territory": "region-58"}, ["Essor Emploi Nièvre"]),
    ({"territory": "department-38"}, ["Atelier Le Fil"]),
    ({"territory": "999999", "status": "nope"}, ["Atelier Le Fil", "Essor Emploi Nièvre"]),
])
def test_the_lists_filters_apply_to_both_formats(client, alice, project, sites, query,
                                                 structures):
    if query.get("territory", "").startswith("region-"):
        query = {"territory": department(query["territory"][7:]).parent_id}
    elif query.get("territory", "").startswith("department-"):
        query = {"territory": department(query["territory"][11:]).pk}
    client.force_login(alice)
    assert column(read_csv(client.get(export_url(project, "csv"), query))[1:], 0) == structures
    assert column(xlsx_rows(read_xlsx(client.get(export_url(project, "xlsx"), query))),
                  0) == structures


@pytest.mark.parametrize(("name", "structures"), [
    ("alice", ["Atelier Le Fil", "Essor Emploi Nièvre"]),
    ("admin", ["Atelier Le Fil", "Essor Emploi Nièvre"]),
    ("fanny", ["Atelier Le Fil", "Essor Emploi Nièvre"]),
    ("camille", ["Atelier Le Fil", "Essor Emploi Nièvre"]),
    ("paul", ["Atelier Le Fil", "Essor Emploi Nièvre"]),
    ("ines", ["Atelier Le Fil", "Essor Emploi Nièvre"]),
    ("bob", ["Essor Emploi Nièvre"]),
    ("carol", ["Atelier Le Fil"]),
    ("remi", None),
    ("oscar", None),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_role_exports_the_sites_it_sees(client, pipeline_cast, ines, project, sites,
                                             name, structures, fmt):
    client.force_login({**pipeline_cast, "ines": ines}[name])
    response = client.get(export_url(project, fmt))
    if structures is None:
        assert response.status_code == 404
    elif fmt == "csv":
        assert column(read_csv(response)[1:], 0) == structures
    else:
        assert column(xlsx_rows(read_xlsx(response)), 0) == structures


def test_an_adopter_cannot_widen_the_export_to_other_sites(client, bob, project, sites,
                                                           carol_site):
    client.force_login(bob)
    rows = read_csv(client.get(export_url(project, "csv"),
                               {"territory": carol_site.territory_id}))
    # A territory the list does not offer bob is dropped, as on the page: his site only.
    assert column(rows[1:], 0) == ["Essor Emploi Nièvre"]


@pytest.fixture
def other_programme_project(ansa):
    """A project of a programme fanny does not fund, with one site."""
    project = ScalingProjectFactory(programme=ProgrammeFactory(lead_structure=ansa))
    AdopterSiteFactory(project=project, structure=StructureFactory(name="Hors programme"))
    return project


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_funder_gets_nothing_of_a_programme_it_does_not_fund(client, fanny,
                                                               other_programme_project, fmt):
    client.force_login(fanny)
    assert client.get(export_url(other_programme_project, fmt)).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_signed_out_people_are_sent_to_sign_in(client, project, fmt):
    response = client.get(export_url(project, fmt))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_format_is_not_found(client, alice, project):
    client.force_login(alice)
    assert client.get(export_url(project, "json")).status_code == 404


def test_the_site_list_links_to_both_exports_with_its_filters(client, alice, project, sites):
    client.force_login(alice)
    html = client.get(reverse("programmes:site_list", args=[project.pk]),
                      {"status": "launched", "page": "1"}).content.decode()
    assert f'href="{export_url(project, "csv")}?status=launched"' in html
    assert f'href="{export_url(project, "xlsx")}?status=launched"' in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_sites(client, alice, project, fmt,
                                            django_assert_max_num_queries):
    cohort = Cohort.objects.create(programme=project.programme, name="Promotion 1")
    client.force_login(alice)

    def count_for(number):
        for _ in range(number):
            site = AdopterSiteFactory(project=project)
            MembershipFactory(structure=site.structure)
            cohort.sites.add(site)
        # session, user, project, own sites, staff, territories, the sites with their
        # figures, their cohorts, the modules and the required toolkit items
        with django_assert_max_num_queries(11) as context:
            b"".join(client.get(export_url(project, fmt)).streaming_content)
        return len(context.captured_queries)

    assert count_for(1) == count_for(40)
