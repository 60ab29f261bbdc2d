"""Offices and agencies, set up by the administrator with the region pickers."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from regions.forms import RegionChainMixin

from . import access
from .models import Agency, Office

LOGO_MAX_BYTES = 1024 * 1024
# What a logo may be, told by its first bytes: PNG or JPEG, the images WeasyPrint draws
# without fetching anything (an SVG may refer to files and addresses elsewhere).
LOGO_SIGNATURES = [(b"\x89PNG\r\n\x1a\n", "PNG", ".png"), (b"\xff\xd8\xff", "JPEG", ".jpg")]


def validate_logo(uploaded):
    """The extension a logo is stored under; ValidationError unless a PNG or JPEG image."""
    if uploaded.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; it may be at most %(limit)s."),
            params={
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(LOGO_MAX_BYTES),
            },
            code="too_large",
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    sniffed = [(fmt, ext) for signature, fmt, ext in LOGO_SIGNATURES if head.startswith(signature)]
    if not sniffed:
        raise ValidationError(
            _("The logo must be a PNG or JPEG image; this file is neither."), code="file_type"
        )
    image_format, extension = sniffed[0]
    try:
        with Image.open(uploaded) as image:
            if image.format != image_format:
                raise ValueError(image.format)
            image.verify()
    except Exception as error:
        raise ValidationError(
            _("The logo must be a PNG or JPEG image; this file cannot be read as one."),
            code="file_type",
        ) from error
    finally:
        uploaded.seek(0)
    return extension


# What an office's administrator sets: its name, province and letterhead.
OFFICE_FIELDS = [
    "name",
    "province",
    "letterhead_line",
    "address",
    "city",
    "phone",
    "email",
    "website",
    "logo",
]


class OfficeForm(RegionChainMixin, forms.ModelForm):
    region_depth = 1

    class Meta:
        model = Office
        # The province is the region chain's only select.
        fields = OFFICE_FIELDS
        # No link to the stored file: logos are drawn into the PDFs, not served.
        widgets = {"logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg"})}
        help_texts = {
            "logo": _("PNG or JPEG, at most 1 MB; shown at the left of the letterhead."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_chain(village=self.instance.province if self.instance.pk else None)
        self.fields["letterhead_line"].widget.attrs["placeholder"] = (
            "KEMENTERIAN PELINDUNGAN PEKERJA MIGRAN INDONESIA"
        )
        if self.instance.logo:
            self.fields["logo"].help_text = _(
                "A logo is set; choose a file to replace it. PNG or JPEG, at most 1 MB."
            )
        else:
            del self.fields["remove_logo"]

    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo is not self.initial.get("logo"):
            extension = validate_logo(logo)
            logo.name = f"logo{extension}"
        return logo

    def save(self, commit=True):
        old_logo = Office.objects.get(pk=self.instance.pk).logo if self.instance.pk else None
        if self.cleaned_data.get("remove_logo") and "logo" not in self.files:
            self.instance.logo = ""
        office = super().save(commit=commit)
        # The replaced or removed file is deleted once the office no longer points to it.
        if commit and old_logo and old_logo.name != office.logo.name:
            old_logo.storage.delete(old_logo.name)
        return office


class AgencyForm(RegionChainMixin, forms.ModelForm):
    region_depth = 2

    class Meta:
        model = Agency
        # The regency is the last select of the province -> regency chain.
        fields = ["name", "type", "regency", "address", "phone", "email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_chain(village=self.instance.regency if self.instance.pk else None)


def _require_admin(user):
    if not access.can_manage_organisations(user):
        raise Http404


def agency_list(request):
    """Every office and, under its province, the agencies its staff work with."""
    _require_admin(request.user)
    ctx = {
        "offices": Office.objects.select_related("province").order_by("name"),
        "agencies": Agency.objects.select_related("regency__parent").order_by(
            "regency__parent__name", "regency__name", "name"
        ),
    }
    return render(request, "accounts/organisations/list.html", ctx)


def _edit(request, form_class, instance, title, saved):
    form = form_class(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, saved)
        return redirect("agencies")
    ctx = {"form": form, "title": title, "instance": instance}
    return render(request, "accounts/organisations/form.html", ctx)


def office_new(request):
    _require_admin(request.user)
    return _edit(request, OfficeForm, Office(), _("Add an office"), _("The office is added."))


def office_edit(request, pk):
    _require_admin(request.user)
    office = get_object_or_404(Office, pk=pk)
    return _edit(request, OfficeForm, office, str(office), _("Saved."))


def agency_new(request):
    _require_admin(request.user)
    return _edit(request, AgencyForm, Agency(), _("Add an agency"), _("The agency is added."))


def agency_edit(request, pk):
    _require_admin(request.user)
    agency = get_object_or_404(Agency, pk=pk)
    return _edit(request, AgencyForm, agency, str(agency), _("Saved."))
