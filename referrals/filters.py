import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FINISHED_STATUSES, Referral, ReferralStatus, Service, Urgency

BOXES = {
    "new": [ReferralStatus.SENT],
    "in_progress": [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS],
    "done": FINISHED_STATUSES,
}


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices)
    service = django_filters.ModelChoiceFilter(
        label=_("Service"), queryset=Service.objects.filter(is_active=True)
    )
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Referral
        fields = []

    @property
    def is_active(self):
        """Whether any filter narrows the list (the page then shows them unfolded)."""
        return self.is_bound and any(self.data.get(name) for name in self.filters)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.now()) if value else queryset
