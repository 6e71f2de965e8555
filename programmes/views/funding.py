"""The pooled scaling grant: the pool of a project with its options, sites and totals, the
pilot site and the proof of concept, confirmations, withdrawals and payments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from essaimage.forms import apply_service_errors, flash_service_error

from ..forms.funding import OptionForm, PaymentForm, PilotSiteForm, ProofOfConceptForm, WithdrawForm
from ..models import FundingPool
from ..permissions import can_manage_project, get_option_for_user, get_pool_project_for_user
from ..queries import funding as queries
from ..services import funding as services
from .governance import structure_suggestions, suggest_structures, wants_suggestions


def _pool_url(project_id, anchor="") -> str:
    url = reverse("programmes:pool_detail", args=[project_id])
    return f"{url}#{anchor}" if anchor else url


def _pool(project, *, create: bool) -> FundingPool | None:
    if create:
        services.get_or_create_pool(project)
    return (FundingPool.objects.select_related(
        "pilot_site__structure", "pilot_site__territory", "proof_of_concept__meeting__body")
        .filter(project=project).first())


@login_required
def pool_detail(request, pk):
    project = get_pool_project_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_manage_project(request.user, project)
    pool = _pool(project, create=can_edit)
    context = {"project": project, "tab": "funding", "pool": pool, "can_edit": can_edit}
    if pool is None:
        return render(request, "programmes/funding/pool_detail.html", context)
    pilot_form = proof_form = None
    if can_edit:
        sites = list(queries.pilot_site_choices(project))
        pilot_form = PilotSiteForm(request.POST or None, sites=sites,
                                   initial={"pilot_site": pool.pilot_site_id})
        if pilot_form.is_bound and pilot_form.is_valid():
            try:
                services.set_pilot_site(pool, pilot_form.cleaned_data["pilot_site"],
                                        by=request.user)
            except ValidationError as error:
                apply_service_errors(pilot_form, error)
            else:
                messages.success(request, _("Pilot site saved."))
                return redirect(_pool_url(project.pk, "pilot"))
        if not pool.has_proof_of_concept:
            proof_form = ProofOfConceptForm(
                decisions=queries.proof_of_concept_decisions(project))
    context.update({
        "options": queries.pool_options(pool),
        "sites": queries.site_amounts(pool),
        "totals": queries.pool_totals(pool),
        "payments": queries.pool_payments(pool),
        "pilot_form": pilot_form,
        "proof_form": proof_form,
    })
    return render(request, "programmes/funding/pool_detail.html", context)


def _option_form(request, project, *, initial=None):
    sites = list(queries.pilot_site_choices(project))
    form = OptionForm(request.POST or None, sites=sites, initial=initial)
    suggest_structures(form, "funder", request.path)
    return form


def _render_option_form(request, project, form, option=None):
    context = {"project": project, "tab": "funding", "form": form, "option": option,
               "programme_funders": list(project.programme.funders.order_by("name"))}
    return render(request, "programmes/funding/option_form.html", context)


@login_required
def option_create(request, pk):
    project = get_pool_project_for_user(request.user, pk, write=True)
    if wants_suggestions(request, "funder"):
        return structure_suggestions(request, "funder")
    form = _option_form(request, project)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            option = services.save_option(
                services.get_or_create_pool(project), by=request.user, funder=data["funder"],
                amount=data["amount"], is_lead=data["is_lead"],
                territories=data["territories"], conditions=data["conditions"],
                shares=[services.Share(site, amount) for site, amount in form.shares()])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Option of %(funder)s recorded.")
                             % {"funder": option.funder})
            return redirect(_pool_url(project.pk, f"option-{option.pk}"))
    return _render_option_form(request, project, form)


@login_required
def option_update(request, pk):
    option = get_option_for_user(request.user, pk, write=True)
    project = option.pool.project
    if wants_suggestions(request, "funder"):
        return structure_suggestions(request, "funder")
    initial = {"funder": option.funder, "amount": option.amount, "is_lead": option.is_lead,
               "territories": [t.pk for t in option.territories.all()],
               "conditions": option.conditions}
    initial.update({f"share_{share.site_id}": share.amount
                    for share in option.site_shares.all()})
    form = _option_form(request, project, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_option(
                option.pool, by=request.user, option=option, funder=data["funder"],
                amount=data["amount"], is_lead=data["is_lead"],
                territories=data["territories"], conditions=data["conditions"],
                shares=[services.Share(site, amount) for site, amount in form.shares()])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_pool_url(project.pk, f"option-{option.pk}"))
    return _render_option_form(request, project, form, option)


@login_required
@require_POST
def option_confirm(request, pk):
    option = get_option_for_user(request.user, pk, write=True)
    try:
        started = services.confirm_option(option, by=request.user)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        message = _("Option of %(funder)s confirmed.") % {"funder": option.funder}
        if started:
            message += " " + ngettext(
                "%(count)d site starts without a new application: %(sites)s.",
                "%(count)d sites start without a new application: %(sites)s.",
                len(started)) % {"count": len(started),
                                 "sites": ", ".join(str(site) for site in started)}
        messages.success(request, message)
    return redirect(_pool_url(option.pool.project_id, f"option-{option.pk}"))


@login_required
@require_POST
def option_withdraw(request, pk):
    option = get_option_for_user(request.user, pk, write=True)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.withdraw_option(option, by=request.user, reason=reason)
    except ValidationError as error:
        flash_service_error(request, error)
    else:
        messages.success(request, _("Option of %(funder)s withdrawn.")
                         % {"funder": option.funder})
    return redirect(_pool_url(option.pool.project_id, f"option-{option.pk}"))


@login_required
def payment_create(request, pk):
    option = get_option_for_user(request.user, pk, write=True)
    sites = [share.site for share in option.site_shares.select_related(
        "site__structure", "site__territory").order_by("site__structure__name")]
    form = PaymentForm(request.POST or None, sites=sites,
                       initial={"paid_on": timezone.localdate()})
    if form.is_bound and form.is_valid():
        try:
            services.record_payment(option, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect(_pool_url(option.pool.project_id, "payments"))
    options = queries.pool_options(option.pool)
    summary = next((o for o in options if o.pk == option.pk), option)
    context = {"project": option.pool.project, "tab": "funding", "option": summary,
               "form": form}
    return render(request, "programmes/funding/payment_form.html", context)


@login_required
def proof_of_concept(request, pk):
    project = get_pool_project_for_user(request.user, pk, write=True)
    pool = _pool(project, create=True)
    if pool.has_proof_of_concept:
        messages.info(request, _("The proof of concept is already recorded."))
        return redirect(_pool_url(project.pk, "proof-of-concept"))
    form = ProofOfConceptForm(request.POST or None,
                              decisions=queries.proof_of_concept_decisions(project))
    if form.is_bound and form.is_valid():
        try:
            services.record_proof_of_concept(pool, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Proof of concept recorded: every funder may now "
                                        "confirm its option."))
            return redirect(_pool_url(project.pk, "proof-of-concept"))
    context = {"project": project, "tab": "funding", "pool": pool, "form": form}
    return render(request, "programmes/funding/proof_of_concept.html", context)
