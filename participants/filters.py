import django_filters
from django import forms
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from . import nik as nik_rules
from .countries import country_name
from .models import (
    AGE_BAND_CHOICES,
    AGE_BANDS,
    MigrationEpisode,
    Participant,
    ParticipantProblem,
    Problem,
    Sex,
)


def _years_ago(today, years):
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def recorded_country_choices():
    """The countries somebody returned from, not all 249: a short list to pick from."""
    codes = cache.get("participants:recorded_countries")
    if codes is None:
        codes = sorted(
            MigrationEpisode.objects.order_by()
            .values_list("destination_country", flat=True)
            .distinct()
        )
        cache.set("participants:recorded_countries", codes, timeout=300)
    return sorted(((code, country_name(code)) for code in codes), key=lambda choice: choice[1])


def search_participants(queryset, text):
    """By exact NIK, by registration number, or by a name that may be misspelt."""
    text = (text or "").strip()
    if not text:
        return queryset
    digits = nik_rules.normalise(text)
    if digits.isdigit() and len(digits) == 16:
        return queryset.filter(nik=digits)
    if text.upper().startswith("PMI-"):
        return queryset.filter(registration_number__iexact=text)
    # Word similarity (`%>`, served by the trigram index) finds a misspelt name, and one
    # name among several, without matching every namesake of a common first name.
    return (
        queryset.filter(full_name__trigram_word_similar=text)
        .annotate(match=TrigramWordSimilarity(text, "full_name"))
        .order_by("-match", "full_name", "pk")
    )


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, NIK or registration number"), method="filter_search"
    )
    regency = django_filters.ModelChoiceFilter(
        label=_("Regency/city"), queryset=Region.objects.none(), method="filter_region"
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=Region.objects.none(), method="filter_region"
    )
    problem = django_filters.ModelChoiceFilter(
        label=_("Problem"), queryset=Problem.objects.filter(is_active=True), method="filter_problem"
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    age_band = django_filters.ChoiceFilter(
        label=_("Age"), choices=AGE_BAND_CHOICES, method="filter_age_band"
    )
    destination_country = django_filters.ChoiceFilter(
        label=_("Destination country"), choices=recorded_country_choices, method="filter_episode"
    )
    return_type = django_filters.ChoiceFilter(
        label=_("Return type"),
        choices=MigrationEpisode.ReturnType.choices,
        method="filter_episode",
    )
    missing_nik = django_filters.BooleanFilter(
        label=_("Without NIK only"),
        method="filter_missing_nik",
        widget=forms.CheckboxInput,
    )
    archived = django_filters.BooleanFilter(
        label=_("Archived instead of active"),
        method="filter_archived",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Participant
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        office = getattr(request.user, "office", None) if request else None
        regencies = Region.objects.filter(level=Region.Level.REGENCY)
        if office is not None:
            regencies = regencies.filter(parent_id=office.province_id)
        self.filters["regency"].queryset = regencies.order_by("name")
        regency_code = (data or {}).get("regency")
        self.filters["district"].queryset = (
            Region.objects.filter(level=Region.Level.DISTRICT, parent_id=regency_code).order_by(
                "name"
            )
            if regency_code
            else Region.objects.none()
        )

    @property
    def qs(self):
        queryset = super().qs
        # Archived participants leave the list unless asked for.
        wants_archived = (
            self.is_bound and self.form.is_valid() and self.form.cleaned_data["archived"]
        )
        if not wants_archived:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def filter_search(self, queryset, name, value):
        return search_participants(queryset, value)

    def filter_region(self, queryset, name, value):
        if value.level == Region.Level.DISTRICT:
            return queryset.filter(village__parent=value)
        return queryset.filter(village__parent__parent=value)

    def filter_problem(self, queryset, name, value):
        return queryset.filter(
            Exists(ParticipantProblem.objects.filter(participant=OuterRef("pk"), problem=value))
        )

    def filter_age_band(self, queryset, name, value):
        low, high = AGE_BANDS[value]
        today = timezone.localdate()
        if low is not None:
            queryset = queryset.filter(birth_date__lte=_years_ago(today, low))
        if high is not None:
            queryset = queryset.filter(birth_date__gt=_years_ago(today, high))
        return queryset

    def filter_episode(self, queryset, name, value):
        return queryset.filter(
            Exists(MigrationEpisode.objects.filter(participant=OuterRef("pk"), **{name: value}))
        )

    def filter_missing_nik(self, queryset, name, value):
        return queryset.filter(nik="") if value else queryset

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=False) if value else queryset
