"""PDFs from Django templates, with WeasyPrint."""

import base64
import contextlib
import functools
import gc
import threading

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import AccessLog

LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def report_context(ctx, *, user, office):
    """What every report's header and footer show: the office, when, and by whom."""
    return {
        **ctx,
        "office": office,
        "office_logo": logo_data_url(office),
        "generated_by": user,
        "generated_at": timezone.now(),
    }


def logo_data_url(office):
    """The office's logo as a data: URL, so that the PDF carries it; "" without one.

    A logo whose file is gone leaves the letterhead without it rather than failing.
    """
    if office is None or not office.logo:
        return ""
    name = office.logo.name
    content_type = LOGO_TYPES.get("." + name.rsplit(".", 1)[-1].lower())
    if content_type is None:
        return ""
    try:
        with default_storage.open(name, "rb") as logo:
            content = logo.read()
    except OSError:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def local_only_fetcher():
    """WeasyPrint's fetcher for our PDFs: data: URLs only, never the network or a file.

    A new one per document: a fetcher keeps the request it is opening.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def render_html(template, ctx, request=None):
    return render_to_string(template, ctx, request)


def write_pdf(html, *, on_laid_out=None):
    """HTML to PDF bytes; `on_laid_out` is called between layout and writing."""
    # Imported here: WeasyPrint needs Pango, which only the PDF pages should depend on.
    import weasyprint

    with collector_paused():
        # Reports hold everything they show; only the chart rules are read, from our files.
        document = weasyprint.HTML(string=html, url_fetcher=local_only_fetcher()).render(
            stylesheets=[chart_stylesheet()], font_config=font_configuration()
        )
        if on_laid_out:
            on_laid_out(len(document.pages))
        return document.write_pdf()


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while WeasyPrint lays out a document.

    Layout makes millions of short-lived objects, which set off collections that scan
    everything the process holds: about a fifth of a report's time (measured in
    benchmarks/RESULTS.md). Reference counting still frees the objects as they go; the
    few cycles wait for the next collection after the document is written.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_fonts = threading.local()


def font_configuration():
    """One font configuration per thread, made once: making it costs ~10% of a small PDF.

    Fontconfig and Pango are not safe to share between threads, hence one per thread.
    """
    if not hasattr(_fonts, "configuration"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


@functools.cache
def chart_stylesheet():
    import weasyprint

    return weasyprint.CSS(filename=finders.find("css/charts.css"))


def pdf_response(request, template, ctx, *, filename, obj=None, detail=""):
    """Render `template` to a PDF download, and log who took it (and `detail`, or the name)."""
    AccessLog.record(request, AccessLog.Action.DOWNLOAD, obj=obj, detail=detail or filename)
    return pdf_download(write_pdf(render_html(template, ctx, request)), filename)


def pdf_download(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
