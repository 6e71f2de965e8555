"""Work in progress: being written in this session."""

from django.http import Http404


def bank_search(request, *args, **kwargs):
    raise Http404


def endorse(request, *args, **kwargs):
    raise Http404


def comment_create(request, *args, **kwargs):
    raise Http404


def adoption_interests(request, *args, **kwargs):
    raise Http404


def comment_hide(request, *args, **kwargs):
    raise Http404


def resource_list(request, *args, **kwargs):
    raise Http404


def resource_create(request, *args, **kwargs):
    raise Http404


def resource_detail(request, *args, **kwargs):
    raise Http404


def resource_update(request, *args, **kwargs):
    raise Http404


def resource_download(request, *args, **kwargs):
    raise Http404


def resource_rate(request, *args, **kwargs):
    raise Http404

