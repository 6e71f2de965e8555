"""Being written in this session."""

from django.http import Http404


def roadmap(request, *args, **kwargs):
    raise Http404


def project_create(request, *args, **kwargs):
    raise Http404


def project_detail(request, *args, **kwargs):
    raise Http404


def project_update(request, *args, **kwargs):
    raise Http404


def project_gate(request, *args, **kwargs):
    raise Http404


def project_reopen(request, *args, **kwargs):
    raise Http404


def project_schedule(request, *args, **kwargs):
    raise Http404


def feasibility(request, *args, **kwargs):
    raise Http404


def strategy(request, *args, **kwargs):
    raise Http404

