"""PDFs from Django templates, with WeasyPrint."""

from django.http import HttpResponse
from django.template.loader import render_to_string

from accounts.models import AccessLog


def pdf_response(request, template, ctx, *, filename, obj=None):
    """Render `template` to a PDF download, and log who took it."""
    # Imported here: WeasyPrint needs Pango, which only the PDF pages should depend on.
    import weasyprint

    AccessLog.record(request, AccessLog.Action.DOWNLOAD, obj=obj, detail=filename)
    html = render_to_string(template, ctx, request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
