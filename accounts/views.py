from django.conf import settings
from django.shortcuts import render

from .models import Role


def home(request):
    """The landing page after login: what this role does in Purna."""
    user = request.user
    ctx = {
        "role": Role(user.role) if user.role else None,
        "organisation": user.organisation,
    }
    return render(request, "accounts/home.html", ctx)


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: say what happened and when to try again."""
    cooloff = settings.AXES_COOLOFF_TIME
    ctx = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
    }
    return render(request, "accounts/locked_out.html", ctx, status=429)
