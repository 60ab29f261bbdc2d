import itertools
import re

import django_filters
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from . import access
from . import nik as nik_rules
from .countries import country_name
from .matching import SEARCH_RANK_SQL
from .models import (
    AGE_BAND_CHOICES,
    AGE_BANDS,
    MigrationEpisode,
    Participant,
    ParticipantProblem,
    Problem,
    Sex,
)
from .names import name_words, passport_key, phone_key, typed_word_fragments

# Sixteen digits, maybe typed in groups: a whole NIK or KK number.
WHOLE_NUMBER = re.compile(r"(?:[0-9][\s.]?){15}[0-9]")


def search_detail(request, **kwargs):
    """A list's search and filters as the access log keeps them, a whole NIK or KK masked."""
    text = " ".join(
        f"{key}={value}" for key, value in request.GET.items() if value and key != "page"
    )
    return WHOLE_NUMBER.sub(lambda found: nik_rules.mask(nik_rules.normalise(found[0])), text)


PASSPORT_NUMBER = re.compile(r"[A-Z]{1,2}[0-9]{6,8}")
MAX_NAME_WORDS = 6


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
    """Exact NIK, registration, phone or passport number; otherwise a forgiving name search.

    A name is found through its key (participants.names: old spelling and variants
    folded) with one slip allowed in each word, in any order, and with a missing or
    extra word when three or more were typed; the best fit first.
    """
    text = (text or "").strip()
    if not text:
        return queryset
    digits = nik_rules.normalise(text)
    if digits.isdigit() and len(digits) == 16:
        return queryset.filter(nik=digits)
    if text.upper().startswith("PMI-"):
        # A merged record's number finds the record it was merged into.
        return queryset.filter(
            Q(registration_number__iexact=text)
            | Q(
                pk__in=Participant.objects.filter(registration_number__iexact=text).values(
                    "merged_into_id"
                )
            )
        )
    if re.fullmatch(r"\+?[0-9][0-9 .()-]{6,}", text):
        return queryset.filter(phone_key=phone_key(text) or "-")
    if PASSPORT_NUMBER.fullmatch(passport_key(text)):
        return queryset.filter(passport_number=passport_key(text))
    return search_by_name(queryset, text)


class _ArrayFromSubquery(Func):
    # The fragments of one word all sit in the same rows, but the planner multiplies
    # their frequencies as if they did not, expects a third of the table and scans it
    # whole (over 100 ms at 100,000 participants). Behind a subquery it takes its
    # default guess, and the GIN index (about 10 ms).
    template = "(SELECT array_agg(f)::varchar(60)[] FROM unnest(%(expressions)s::text[]) AS f)"
    output_field = ArrayField(models.CharField(max_length=60))


def _unseen_by_the_planner(values):
    return _ArrayFromSubquery(Value(values, output_field=ArrayField(models.TextField())))


def search_by_name(queryset, text):
    # A name has a few words; more typed are not a name (and would multiply the query,
    # and levenshtein takes at most 255 letters).
    key = " ".join(name_words(text)[:MAX_NAME_WORDS])[:150]
    words = typed_word_fragments(text)[:MAX_NAME_WORDS]
    if not words:
        return queryset.none()
    # Each typed word within one slip of a word of the name (they share a fragment, which
    # the GIN index finds); with three words or more, one of them may be missing.
    needed = len(words) if len(words) <= 2 else len(words) - 1
    found = Q()
    for chosen in itertools.combinations(words, needed):
        every_word = Q()
        for fragments in chosen:
            every_word &= Q(name_fragments__overlap=_unseen_by_the_planner(sorted(fragments)))
        found |= every_word
    rank_sql = SEARCH_RANK_SQL.format(a='"participants_participant"."name_key"', b="%s")
    rank = RawSQL(rank_sql, [key] * rank_sql.count("%s"))  # noqa: S611 (constant SQL, key a param)
    return (
        queryset.filter(found).annotate(match=rank).order_by(F("match").desc(), "full_name", "pk")
    )


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, NIK, registration, phone or passport number"), method="filter_search"
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
        if request is not None:
            # Nobody finds people by a problem they may not read on their records.
            self.filters["problem"].queryset = access.visible_problems(
                request.user, Problem.objects.filter(is_active=True)
            )
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
        # Kemendagri codes nest: a village's code starts with its district's, which starts
        # with its regency's ("36.03.01.2001" is in "36.03.01", in "36.03"). A prefix of
        # the village code is read from its index, without joining the regions.
        return queryset.filter(village__code__startswith=f"{value.code}.")

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
