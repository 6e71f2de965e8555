"""A programme's directory: its structures and adopter sites by territory, on a map of the
départements and in a list that says the same thing without the picture."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.maps import department_choropleth
from essaimage.pagination import query_without

from ..forms.directory import DirectoryFilterForm
from ..permissions import get_programme_for_directory
from ..queries import directory as queries


def _map_description(figures) -> str:
    sites = ngettext("%(count)s site", "%(count)s sites", figures.sites) % {
        "count": figures.sites}
    departments = ngettext("%(count)s département", "%(count)s départements",
                           figures.department_count) % {"count": figures.department_count}
    return _("Map of the départements of France, shaded by number of adopter sites: "
             "%(sites)s in %(departments)s. The list below the map gives the same "
             "information.") % {"sites": sites, "departments": departments}


@login_required
def programme_directory(request, pk):
    programme = get_programme_for_directory(request.user, pk)
    listed = queries.programme_sites(programme)
    filter_form = DirectoryFilterForm(request.GET, projects=queries.projects_of(listed),
                                      territories=queries.territories_of(listed))
    sites = queries.filter_sites(listed, **filter_form.filters())
    figures = queries.directory_figures(sites)
    page = Paginator(queries.sites_for_list(sites), queries.DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page"))

    # A département on the map filters the list by it, keeping the other filters.
    kept = query_without(request, "department", "page")

    def url_for(code: str) -> str:
        return "?" + "&".join(filter(None, [kept, urlencode({"department": code})]))

    directory_map = department_choropleth(
        figures.by_department,
        title=_("Adopter sites of %(programme)s by département") % {"programme": programme},
        description=_map_description(figures),
        url_for=url_for,
    )
    context = {
        "programme": programme,
        "filter_form": filter_form,
        "is_filtered": filter_form.is_filtered,
        "figures": figures,
        "map": directory_map,
        "page": page,
        "groups": queries.group_by_territory(page.object_list, figures),
        "query": query_without(request, "page"),
        "territory_query": kept,
    }
    template = ("programmes/directory/_results.html" if request.htmx
                else "programmes/directory/directory.html")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
