"""Work in progress: being written in this session."""

from django.http import Http404


def innovation_create(request, *args, **kwargs):
    raise Http404


def innovation_detail(request, *args, **kwargs):
    raise Http404


def innovation_edit(request, *args, **kwargs):
    raise Http404


def innovation_publish(request, *args, **kwargs):
    raise Http404


def innovation_versions(request, *args, **kwargs):
    raise Http404

