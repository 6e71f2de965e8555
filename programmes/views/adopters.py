"""Being written in this session."""

from django.http import Http404


def cohort_list(request, *args, **kwargs):
    raise Http404


def candidate_list(request, *args, **kwargs):
    raise Http404


def candidate_detail(request, *args, **kwargs):
    raise Http404


def candidate_decide(request, *args, **kwargs):
    raise Http404


def site_list(request, *args, **kwargs):
    raise Http404


def site_detail(request, *args, **kwargs):
    raise Http404


def site_update(request, *args, **kwargs):
    raise Http404


def cohort_detail(request, *args, **kwargs):
    raise Http404


def sponsor_list(request, *args, **kwargs):
    raise Http404


def sponsor_detail(request, *args, **kwargs):
    raise Http404

