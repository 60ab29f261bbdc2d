from django.shortcuts import render
from django.views.decorators.http import require_safe

from .forms import RegionChainForm


@require_safe
def chain(request):
    """The province -> village selects, narrowed to what has been picked so far."""
    form = RegionChainForm(data=request.GET)
    return render(request, "regions/chain.html#fields", {"form": form})
