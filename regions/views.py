from django.shortcuts import render
from django.views.decorators.http import require_safe

from .forms import RegionChainForm


@require_safe
def chain(request):
    """The province -> village selects, narrowed to what has been picked so far."""
    depth = request.GET.get("depth", "")
    form = RegionChainForm(data=request.GET, depth=int(depth) if depth in {"1", "2", "3"} else 4)
    return render(request, "regions/chain.html#fields", {"form": form})
