"""Offices and agencies, set up by the administrator with the region pickers."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from regions.forms import RegionChainMixin

from . import access
from .models import Agency, Office


class OfficeForm(RegionChainMixin, forms.ModelForm):
    region_depth = 1

    class Meta:
        model = Office
        # The province is the region chain's only select.
        fields = ["name", "province", "address", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_region_chain(village=self.instance.province if self.instance.pk else None)


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
    form = form_class(request.POST or None, instance=instance)
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
