from . import two_factor
from .navigation import menu_for
from .notifications import UnreadCount


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if two_factor.pending(request):
        # Every section would lead back to the code page.
        return {"menu": []}
    return {"menu": menu_for(user, request.path)}


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": UnreadCount(user)}
