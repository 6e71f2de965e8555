"""Work in progress: being written in this session."""

from django.http import Http404


def review_list(request, *args, **kwargs):
    raise Http404


def review_form(request, *args, **kwargs):
    raise Http404


def review_conflict(request, *args, **kwargs):
    raise Http404

