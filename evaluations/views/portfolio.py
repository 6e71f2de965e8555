"""The funders' dashboards: a person's portfolio, the rows behind its figures, and the
dashboard of a programme shared with a committee. Every page reads only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access_portfolio import (
    get_portfolio_for_user,
    get_programme_for_sharing,
    get_share_for_member,
    get_share_for_staff,
)
from ..forms.portfolio import DashboardShareForm, PortfolioFilterForm
from ..models import DashboardShare
from ..selectors import dashboards as dashboard_selectors
from ..selectors import portfolio as selectors
from ..selectors.aggregation import Scope
from ..services.portfolio import revoke_share, share_dashboard

FILTER_KEYS = ("date_from", "date_to", "include_submitted", "programme", "theme", "territory")
ROW_PARAMS = ("etape", "departement", "statut")


def _selection(request, portfolio, *, with_programme=True):
    form = PortfolioFilterForm(
        request.GET, programmes=portfolio.programmes, with_programme=with_programme,
        anchor=dashboard_selectors.reporting_anchor(portfolio.live_projects.values("pk")))
    date_from, date_to = form.range()
    scope = Scope(date_from=date_from, date_to=date_to,
                  include_submitted=form.includes_submitted)
    return form, selectors.select(portfolio, scope, **{
        key: value for key, value in form.filters().items()
        if with_programme or key != "programme"})


def _filters_query(request) -> str:
    """The dashboard's filters, carried over to the rows behind its figures and back."""
    return urlencode({key: request.GET[key] for key in FILTER_KEYS if request.GET.get(key)})


def _links(url_of, query: str) -> dict[str, str]:
    """The address of the rows behind each figure, with the dashboard's filters."""
    return {kind.replace("-", "_"): f"{url_of(kind)}?{query}" for kind in selectors.ROW_KINDS}


def _dashboard_context(request, portfolio, url_of, *, with_programme=True) -> dict:
    form, selection = _selection(request, portfolio, with_programme=with_programme)
    query = _filters_query(request)
    joiner = f"{query}&" if query else ""
    figures = selectors.dashboard_figures(selection)
    return {
        "form": form,
        "scope": selection.scope,
        "selection": selection,
        "figures": figures,
        "headline": figures.headline,
        "funnel": figures.funnel,
        "indicators": figures.indicators,
        "fidelity": figures.fidelity,
        "map": selectors.territory_map(
            figures.departments,
            url_for=lambda code: f"{url_of('sites')}?{joiner}departement={code}"),
        "links": _links(url_of, query),
        "filters_query": query,
        "is_funder_view": portfolio.funders is not None,
    }


def _refresh(request, portfolio, *, with_programme=True):
    """Compute the figures of the filtered dashboard again, then show it (a POST from the
    dashboard, whose address keeps its filters)."""
    _form, selection = _selection(request, portfolio, with_programme=with_programme)
    selectors.dashboard_figures(selection, refresh=True)
    messages.success(request, _("The figures have been computed again."))
    return redirect(request.get_full_path())


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_dashboard(request):
    # Funders read what their structures fund; staff what they run; admins everything.
    portfolio = get_portfolio_for_user(request.user)
    if request.method == "POST":
        return _refresh(request, portfolio)
    context = _dashboard_context(
        request, portfolio, lambda kind: reverse("evaluations:portfolio_rows", args=[kind]))
    funders = selectors.report_funders(request.user, portfolio)
    context |= {
        "programmes": list(portfolio.programmes),
        "report_funders": list(funders),
        "latest_reports": selectors.latest_reports(funders),
        # Staff share the dashboard of the programmes they run.
        "shareable": [] if portfolio.funders is not None else list(
            portfolio.programmes.filter(staff=request.user)
            if not request.user.is_superuser else portfolio.programmes),
    }
    return render(request, "evaluations/portfolio/dashboard.html", context)


def _rows_context(request, portfolio, kind, url_of, *, with_programme=True) -> dict:
    if kind not in selectors.ROW_KINDS:
        raise Http404
    form, selection = _selection(request, portfolio, with_programme=with_programme)
    params = {key: request.GET[key] for key in ROW_PARAMS if request.GET.get(key)}
    rows = selectors.row_queryset(selection, kind, params)
    page = Paginator(rows, selectors.ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({**{key: request.GET[key] for key in FILTER_KEYS
                          if request.GET.get(key)}, **params})
    context = {"form": form, "scope": selection.scope, "kind": kind, "page": page,
               "params": params, "query": query, "filters_query": _filters_query(request)}
    if kind == "personnes-touchees":
        context["people"] = selectors.people_rows(selection, list(page.object_list))
    return context


@login_required
def portfolio_rows(request, kind):
    portfolio = get_portfolio_for_user(request.user)
    context = _rows_context(request, portfolio, kind,
                            lambda k: reverse("evaluations:portfolio_rows", args=[k]))
    context["dashboard_url"] = reverse("evaluations:portfolio_dashboard")
    return render(request, "evaluations/portfolio/rows.html", context)


# --- Shared with a committee -------------------------------------------------------------------


@login_required
def share_list(request, programme_pk):
    # The programme's staff share its dashboard with one of its committees at a time.
    programme = get_programme_for_sharing(request.user, programme_pk)
    form = DashboardShareForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            share = share_dashboard(programme, form.cleaned_data["body"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dashboard is shared with %(body)s.") % {
                "body": share.body})
            return redirect("evaluations:share_list", programme.pk)
    shares = (DashboardShare.objects.filter(programme=programme)
              .select_related("body__project", "created_by", "revoked_by"))
    context = {"programme": programme, "form": form, "shares": shares}
    return render(request, "evaluations/portfolio/shares.html", context)


@login_required
@require_POST
def share_revoke(request, pk):
    share = get_share_for_staff(request.user, pk)
    revoke_share(share, by=request.user)
    messages.success(request, _("The committee no longer reads the dashboard."))
    return redirect("evaluations:share_list", share.programme_id)


@login_required
@require_http_methods(["GET", "POST"])
def shared_dashboard(request, token):
    # The members of the committee, while the share is active; a 404 for anyone else.
    share = get_share_for_member(request.user, token)
    portfolio = selectors.portfolio_for_share(share)
    if request.method == "POST":
        return _refresh(request, portfolio, with_programme=False)
    context = _dashboard_context(
        request, portfolio,
        lambda kind: reverse("evaluations:shared_rows", args=[share.token, kind]),
        with_programme=False)
    context["share"] = share
    return render(request, "evaluations/portfolio/dashboard.html", context)


@login_required
def shared_rows(request, token, kind):
    share = get_share_for_member(request.user, token)
    portfolio = selectors.portfolio_for_share(share)
    context = _rows_context(
        request, portfolio, kind,
        lambda k: reverse("evaluations:shared_rows", args=[share.token, k]),
        with_programme=False)
    context |= {"share": share,
                "dashboard_url": reverse("evaluations:shared_dashboard", args=[share.token])}
    return render(request, "evaluations/portfolio/rows.html", context)
