from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Region

CHAIN = [
    ("province", Region.Level.PROVINCE, _("Province")),
    ("regency", Region.Level.REGENCY, _("Regency/city")),
    ("district", Region.Level.DISTRICT, _("District")),
    ("village", Region.Level.VILLAGE, _("Village")),
]


class RegionChainMixin:
    """Province -> regency -> district -> village selects that narrow each other.

    Only `village` is a model field; the other three exist to narrow it. A
    lower choice that does not belong to the higher one is dropped, so a
    changed province clears the regency, district and village below it.
    """

    region_required = True
    # How far down the chain goes: 4 to the village, 2 to the regency, 1 the province.
    region_depth = 4

    @property
    def chain(self):
        return CHAIN[: self.region_depth]

    def setup_region_chain(self, village=None):
        """Add the chain's selects; `village` is the deepest region chosen so far, if any."""
        data = self.data if self.is_bound else {}
        prefix = self.add_prefix
        selected = {}
        if self.is_bound:
            for name, _level, _label in self.chain:
                selected[name] = (data.get(prefix(name)) or "").strip()
        elif village is not None:
            parts = village.code.split(".")
            for depth, (name, _level, _label) in enumerate(self.chain):
                selected[name] = ".".join(parts[: depth + 1])
        # Keep a choice only when it lies under the one above it.
        parent = ""
        for name, level, _label in self.chain:
            code = selected.get(name, "")
            if level != Region.Level.PROVINCE and not (parent and code.startswith(parent + ".")):
                code = ""
            selected[name] = code
            parent = code

        parent_code = None
        for name, level, label in self.chain:
            if level == Region.Level.PROVINCE:
                queryset = Region.objects.provinces()
            elif parent_code:
                queryset = Region.objects.filter(parent_id=parent_code, level=level)
            else:
                queryset = Region.objects.none()
            self.fields[name] = forms.ModelChoiceField(
                queryset=queryset.order_by("name"),
                label=label,
                required=self.region_required,
                initial=selected[name] or None,
            )
            parent_code = selected[name] or None
        self.region_selection = selected

    @property
    def region_fields(self):
        return [self[name] for name, _level, _label in self.chain]


class RegionChainForm(RegionChainMixin, forms.Form):
    """The chain on its own, re-rendered as a person picks each level."""

    region_required = False

    def __init__(self, *args, depth=4, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_depth = depth
        self.setup_region_chain()
