"""The one way a page that shows person data leaves its trace in the access log.

Every view that shows a returnee's data wears `@reads_person_data`: after it answers a
GET or HEAD with 200, one `AccessLog` VIEW row names what was read. A 404, a 403, a
redirect or a write leaves no VIEW row. A test walks every URL and fails for a view that
neither wears the decorator nor is declared free of person data.
"""

import functools

from .models import AccessLog

READS_PERSON_DATA = "reads_person_data"


def reads_person_data(model=None, *, kwarg="pk", detail=""):
    """Log one VIEW of `model` (its id from the URL keyword `kwarg`) per page shown.

    A list page passes `kwarg=None`: its row names no object. `detail` is a string
    formatted with the URL keywords, or a function of (request, **url_keywords).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                obj = model(pk=kwargs[kwarg]) if model is not None and kwarg else None
                text = detail(request, **kwargs) if callable(detail) else detail.format(**kwargs)
                AccessLog.record(request, AccessLog.Action.VIEW, obj=obj, detail=text)
            return response

        setattr(wrapper, READS_PERSON_DATA, True)
        return wrapper

    return decorate


def is_logged_read(view) -> bool:
    """Whether the view leaves a VIEW row for each page it shows."""
    return getattr(view, READS_PERSON_DATA, False)
