"""Being written in this session."""

from django.http import Http404


def pool_detail(request, *args, **kwargs):
    raise Http404


def option_create(request, *args, **kwargs):
    raise Http404


def option_update(request, *args, **kwargs):
    raise Http404


def option_confirm(request, *args, **kwargs):
    raise Http404


def option_withdraw(request, *args, **kwargs):
    raise Http404


def payment_create(request, *args, **kwargs):
    raise Http404


def proof_of_concept(request, *args, **kwargs):
    raise Http404

