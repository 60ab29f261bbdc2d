"""The possible-duplicates list, the side-by-side compare and merge, and undoing a merge."""

from django.http import Http404

# Placeholders until the pages are written; replace them whole.


def duplicate_list(request):
    raise Http404


def duplicate_compare(request, pk):
    raise Http404


def duplicate_different(request, pk):
    raise Http404


def merge_undo(request, pk):
    raise Http404
