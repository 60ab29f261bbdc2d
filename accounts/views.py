from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: say what happened and when to try again."""
    cooloff = settings.AXES_COOLOFF_TIME
    ctx = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
    }
    return render(request, "accounts/locked_out.html", ctx, status=429)
