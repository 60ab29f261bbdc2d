import datetime
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.access import sees_every_office
from accounts.models import AgencyType
from accounts.querysets import OfficeScopedQuerySet
from accounts.workflow import SYSTEM, Move, WorkflowMixin, track_status_changes

from . import access
from . import nik as nik_rules
from .countries import country_name, validate_country_code
from .names import name_fragments, name_key, passport_key, phone_key

SIXTEEN_DIGITS = RegexValidator(r"^[0-9]{16}$", _("Enter the 16 digits."))


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


# Age bands of the participant list's filter and of the reports: (lowest, below), in years.
AGE_BANDS = {
    "under_25": (None, 25),
    "25_34": (25, 35),
    "35_44": (35, 45),
    "45_54": (45, 55),
    "55_plus": (55, None),
}
AGE_BAND_CHOICES = [
    ("under_25", _("Under 25")),
    ("25_34", "25-34"),
    ("35_44", "35-44"),
    ("45_54", "45-54"),
    ("55_plus", _("55 and over")),
]


def age_band(age) -> str:
    """The code of the age band that holds `age` years."""
    for code, (low, high) in AGE_BANDS.items():
        if (low is None or age >= low) and (high is None or age < high):
            return code
    raise ValueError(age)


class Problem(models.Model):
    """A kind of problem a returnee experienced (admin-editable reference list)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Who reads which problems is decided in access.visible_problems; this flag says
    # which entries are the health worker's business. A new entry starts hidden.
    clinical = models.BooleanField(
        _("needs clinical care"),
        default=False,
        help_text=_(
            "Health workers see only the problems ticked here on a returnee's record. "
            "Tick only what health care needs to know."
        ),
    )

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name_en if (get_language() or "id").startswith("en") else self.name


# Fields the matcher's keys are derived from, and the keys.
MATCHED_FIELDS = frozenset({"full_name", "phone", "passport_number"})
MATCH_KEY_FIELDS = frozenset({"name_key", "name_fragments", "phone_key", "passport_number"})


class ParticipantQuerySet(OfficeScopedQuerySet):
    """`visible_to`: participants whose pages this user may open (archived ones included).

    Agency officers reach participants only through referrals; auditors count them
    (`countable_by`), never open a person's page.
    """

    readers = access.PARTICIPANT_READERS

    def active(self):
        return self.filter(archived_at__isnull=True, merged_into__isnull=True)

    def not_merged(self):
        return self.filter(merged_into__isnull=True)

    def with_latest_country(self):
        """Each participant's `latest_country`: where their latest episode abroad was."""
        latest = MigrationEpisode.objects.filter(participant=OuterRef("pk")).latest_first()
        return self.annotate(latest_country=Subquery(latest.values("destination_country")[:1]))


@pghistory.track(exclude=["name_key", "name_fragments", "phone_key"])
class Participant(models.Model):
    """A returned migrant worker (PMI purna) registered by a BP3MI office."""

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", _("Not married")
        MARRIED = "married", _("Married")
        DIVORCED = "divorced", _("Divorced")
        WIDOWED = "widowed", _("Widowed")

    class Education(models.TextChoices):
        NONE = "none", _("No schooling")
        SD = "sd", _("Primary school (SD)")
        SMP = "smp", _("Junior high school (SMP)")
        SMA = "sma", _("Senior high school (SMA/SMK)")
        DIPLOMA = "diploma", _("Diploma")
        BACHELOR = "bachelor", _("Bachelor or higher")

    class Religion(models.TextChoices):
        ISLAM = "islam", _("Islam")
        PROTESTANT = "protestant", _("Protestant Christianity")
        CATHOLIC = "catholic", _("Catholicism")
        HINDU = "hindu", _("Hinduism")
        BUDDHIST = "buddhist", _("Buddhism")
        CONFUCIAN = "confucian", _("Confucianism")
        OTHER = "other", _("Other belief")

    class JknSegment(models.TextChoices):
        PBI_APBN = "pbi_apbn", _("PBI APBN (state-paid)")
        PBI_APBD = "pbi_apbd", _("PBI APBD (region-paid)")
        PPU = "ppu", _("PPU (wage earner)")
        PBPU = "pbpu", _("PBPU (self-paying)")
        BP = "bp", _("BP (non-worker)")
        NOT_ENROLLED = "not_enrolled", _("Not enrolled")
        UNKNOWN = "unknown", _("Unknown")

    class MembershipStatus(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        NEVER = "never", _("Never enrolled")
        UNKNOWN = "unknown", _("Unknown")

    class CivilStatusIssue(models.TextChoices):
        NO_KTP_EL = "no_ktp_el", _("No KTP-el")
        NO_KK = "no_kk", _("Not in a family card (KK)")
        KK_OUTDATED = "kk_outdated", _("Family card needs updating")
        SKDLN_NEEDED = "skdln_needed", _("SKDLN needed (event abroad to report)")
        CHILD_BORN_ABROAD = "child_born_abroad", _("Child born abroad not registered")
        NIK_INACTIVE = "nik_inactive", _("NIK inactive")

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    registration_number = models.CharField(
        _("registration number"), max_length=20, unique=True, editable=False
    )
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[SIXTEEN_DIGITS])
    nik_missing_reason = models.CharField(_("why there is no NIK"), max_length=200, blank=True)
    kk_number = models.CharField(
        _("family card (KK) number"), max_length=16, blank=True, validators=[SIXTEEN_DIGITS]
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
    )
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=10, choices=Education.choices, blank=True
    )
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices, blank=True)

    civil_status_issues = ArrayField(
        models.CharField(max_length=20, choices=CivilStatusIssue.choices),
        verbose_name=_("civil registration issues"),
        default=list,
        blank=True,
    )
    jkn_segment = models.CharField(
        _("JKN (BPJS Kesehatan) segment"),
        max_length=15,
        choices=JknSegment.choices,
        default=JknSegment.UNKNOWN,
    )
    jkn_status = models.CharField(
        _("JKN status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.UNKNOWN,
    )
    bpjs_tk_status = models.CharField(
        _("BPJS Ketenagakerjaan status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.UNKNOWN,
    )
    dtsen_decile = models.PositiveSmallIntegerField(
        _("DTSEN decile"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 (poorest) to 10, when known."),
    )

    problems = models.ManyToManyField(
        Problem,
        verbose_name=_("problems experienced"),
        blank=True,
        related_name="participants",
        through="ParticipantProblem",
    )
    narrative = models.TextField(
        _("what happened"),
        blank=True,
        help_text=_("Sensitive: read only by the case worker and the coordinator."),
    )

    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    archive_reason = models.CharField(_("archive reason"), max_length=200, blank=True)
    # Set when this record was merged into another: it stays, and its page redirects there.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    # Set when the identity and free text were removed for good (reports.anonymisation).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    anonymised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("anonymised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    # What the matcher compares, derived from the fields above by `refresh_match_keys`.
    name_key = models.CharField(max_length=150, editable=False, default="")
    name_fragments = ArrayField(
        models.CharField(max_length=60), editable=False, default=list, blank=True
    )
    phone_key = models.CharField(max_length=20, editable=False, default="", blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=~Q(nik=""), name="participant_unique_nik"
            ),
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"),
                name="participant_nik_16_digits",
            ),
            models.CheckConstraint(
                condition=Q(dtsen_decile__isnull=True) | Q(dtsen_decile__range=(1, 10)),
                name="participant_dtsen_decile_range",
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="participant_sex_valid"),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | Q(archived_by__isnull=False),
                name="participant_archive_has_author",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True) | Q(anonymised_by__isnull=False),
                name="participant_anonymised_has_author",
            ),
        ]
        indexes = [
            # Names are found by fragment (participants.names); trigram similarity is
            # computed only on the rows found, so no trigram index is kept.
            GinIndex(name="participant_name_fragments", fields=["name_fragments"]),
            models.Index(
                name="participant_phone_key", fields=["phone_key"], condition=~Q(phone_key="")
            ),
            models.Index(
                name="participant_passport",
                fields=["passport_number"],
                condition=~Q(passport_number=""),
            ),
            models.Index(
                name="participant_kk_number", fields=["kk_number"], condition=~Q(kk_number="")
            ),
            models.Index(name="participant_birth_date", fields=["birth_date"]),
            models.Index(name="participant_name_key_born", fields=["name_key", "birth_date"]),
            # The list's default order: newest first within the office.
            models.Index(
                name="participant_office_active",
                fields=["office", "-created_at", "-id"],
                condition=Q(archived_at__isnull=True),
            ),
            # The same order across every office, as the administrator sees it.
            models.Index(
                name="participant_active",
                fields=["-created_at", "-id"],
                condition=Q(archived_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        if not self.registration_number:
            self.registration_number = self.next_registration_number()
        self.refresh_match_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and MATCHED_FIELDS & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | MATCH_KEY_FIELDS
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("participants:detail", args=[self.pk])

    def refresh_match_keys(self):
        """Derive the matcher's keys; bulk writes call this before `bulk_create`."""
        self.name_key = name_key(self.full_name)
        self.name_fragments = name_fragments(self.full_name)
        self.phone_key = phone_key(self.phone)
        self.passport_number = passport_key(self.passport_number)

    @property
    def is_merged(self):
        return self.merged_into_id is not None

    @property
    def nik_masked(self):
        return nik_rules.mask(self.nik)

    @property
    def kk_masked(self):
        return nik_rules.mask(self.kk_number)

    @property
    def has_nik(self):
        return bool(self.nik)

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def latest_episode(self):
        """The period abroad they came back from last (see MigrationEpisode.recency)."""
        return max(self.episodes.all(), key=MigrationEpisode.recency, default=None)

    @property
    def rehabilitation_deadline(self):
        """Rehabilitation runs at most one year from the arrival of the latest return."""
        episode = self.latest_episode
        return episode.rehabilitation_deadline if episode else None

    def age(self, on=None):
        on = on or timezone.localdate()
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    @staticmethod
    def next_registration_number(year=None):
        """`PMI-25-00042`: year and a number from a database sequence, easy to read aloud."""
        return Participant.next_registration_numbers(1, year=year)[0]

    @staticmethod
    def next_registration_numbers(count, year=None):
        """`count` registration numbers from one query, in sequence order (bulk imports)."""
        year = year or timezone.localdate().year
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval('participant_registration_seq') FROM generate_series(1, %s)",
                [count],
            )
            serials = sorted(serial for (serial,) in cursor.fetchall())
        return [f"PMI-{year % 100:02d}-{serial:05d}" for serial in serials]


class ParticipantTransferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Transfers out of and into the user's office, for those who transfer records;
        every transfer for the administrator."""
        if sees_every_office(user):
            return self
        if access.can_transfer(user):
            return self.filter(Q(from_office_id=user.office_id) | Q(to_office_id=user.office_id))
        return self.none()

    def with_offices(self):
        return self.select_related("from_office", "to_office", "by")


@pghistory.track()
class ParticipantTransfer(models.Model):
    """A participant's record moved from one office to another: who, when and why.

    Written by `services.transfer_participant` with the change of `Participant.office`.
    """

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    from_office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("from office"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_office = models.ForeignKey(
        "accounts.Office", verbose_name=_("to office"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transferred by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("transferred at"), default=timezone.now)

    objects = ParticipantTransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant transfer")
        verbose_name_plural = _("participant transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_office=F("to_office")), name="transfer_between_two_offices"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="transfer_has_reason"),
        ]
        indexes = [
            models.Index(fields=["from_office", "-at"], name="transfer_from_office_recent"),
            models.Index(fields=["to_office", "-at"], name="transfer_to_office_recent"),
        ]

    def __str__(self):
        return f"{self.participant_id}: {self.from_office_id} -> {self.to_office_id}"


@pghistory.track(pghistory.InsertEvent("added"), pghistory.DeleteEvent("removed"))
class ParticipantProblem(models.Model):
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE
    )
    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("problem experienced")
        verbose_name_plural = _("problems experienced")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "problem"], name="participant_problem_once"
            )
        ]
        indexes = [models.Index(fields=["problem", "participant"], name="problem_participants")]

    def __str__(self):
        return f"{self.participant_id}: {self.problem_id}"


class MigrationEpisodeQuerySet(models.QuerySet):
    def latest_first(self):
        """The latest return first; the same order as MigrationEpisode.recency."""
        return self.order_by(F("arrival_date").desc(nulls_last=True), F("id").desc())


@pghistory.track()
class MigrationEpisode(models.Model):
    """One period of work abroad."""

    class Sector(models.TextChoices):
        FORMAL = "formal", _("Formal")
        INFORMAL = "informal", _("Informal (domestic work and the like)")

    class PlacementScheme(models.TextChoices):
        G_TO_G = "g_to_g", _("G to G (government to government)")
        P_TO_P = "p_to_p", _("P to P (through a P3MI company)")
        UKPS = "ukps", _("UKPS (company's own interest)")
        INDIVIDUAL = "individual", _("Individual (perseorangan)")
        SSW = "ssw", _("SSW (Japan's Specified Skilled Worker)")
        NONPROCEDURAL = "nonprocedural", _("Non-procedural")
        UNKNOWN = "unknown", _("Unknown")

    class ReturnType(models.TextChoices):
        CONTRACT_ENDED = "contract_ended", _("Contract ended")
        PROBLEM = "problem", _("Problem return")
        DEPORTED = "deported", _("Deported")
        REPATRIATED = "repatriated", _("Repatriated")
        SICK = "sick", _("Sick")
        FAILED_DEPARTURE = "failed_departure", _("Failed departure")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="episodes",
    )
    destination_country = models.CharField(
        _("destination country"), max_length=2, validators=[validate_country_code]
    )
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices, blank=True)
    placement_scheme = models.CharField(
        _("placement scheme"),
        max_length=15,
        choices=PlacementScheme.choices,
        default=PlacementScheme.UNKNOWN,
    )
    employer = models.CharField(_("employer"), max_length=150, blank=True)
    p3mi_agency = models.CharField(_("P3MI (placement company)"), max_length=150, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    arrival_date = models.DateField(_("arrival date in Indonesia"), null=True, blank=True)
    return_type = models.CharField(
        _("return type"), max_length=20, choices=ReturnType.choices, blank=True
    )
    siskop2mi_id = models.CharField(_("SiskoP2MI / E-PMI id"), max_length=50, blank=True)

    objects = MigrationEpisodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("migration episode")
        verbose_name_plural = _("migration episodes")
        constraints = [
            models.CheckConstraint(
                condition=Q(departure_date__isnull=True)
                | Q(arrival_date__isnull=True)
                | Q(arrival_date__gte=models.F("departure_date")),
                name="episode_arrival_after_departure",
            ),
            models.CheckConstraint(
                condition=Q(destination_country__regex=r"^[A-Z]{2}$"),
                name="episode_country_iso_code",
            ),
        ]
        indexes = [
            models.Index(
                "participant",
                F("arrival_date").desc(nulls_last=True),
                F("id").desc(),
                name="episode_latest_first",
            ),
            # The participant list's filters by destination country and by return type:
            # the matching participants, read from the index alone, in their order.
            models.Index(fields=["destination_country", "participant"], name="episode_country"),
            models.Index(fields=["return_type", "participant"], name="episode_return_type"),
        ]

    def __str__(self):
        return f"{self.destination_country_name} ({self.departure_date} - {self.arrival_date})"

    @property
    def destination_country_name(self):
        return country_name(self.destination_country)

    @staticmethod
    def recency(episode):
        """Sort key of "latest": the latest arrival date, episodes without one before any
        with one, then the newest row. `latest_first()` orders the same way in SQL."""
        return (
            episode.arrival_date is not None,
            episode.arrival_date or datetime.date.min,
            episode.pk,
        )

    @property
    def rehabilitation_deadline(self):
        """Rehabilitation runs at most one year from the arrival date."""
        return self.arrival_date + datetime.timedelta(days=365) if self.arrival_date else None


@pghistory.track()
class HouseholdMember(models.Model):
    """A family member left behind (keluarga yang ditinggalkan)."""

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other relative")

    class SchoolStatus(models.TextChoices):
        NOT_YET = "not_yet", _("Not yet at school")
        IN_SCHOOL = "in_school", _("In school")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        FINISHED = "finished", _("Finished school")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="household",
    )
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices)
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[SIXTEEN_DIGITS])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    school_status = models.CharField(
        _("school status"), max_length=15, choices=SchoolStatus.choices, blank=True
    )
    needs = models.TextField(_("needs"), blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"),
                name="household_nik_16_digits",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def nik_masked(self):
        return nik_rules.mask(self.nik)

    @property
    def is_child(self):
        if not self.birth_date:
            return self.relationship == self.Relationship.CHILD
        today = timezone.localdate()
        return (today - self.birth_date).days < 18 * 365.25


class ConsentPurpose(models.TextChoices):
    REHABILITATION = "rehabilitation", _("Rehabilitation services")
    SHARE_DINKES = "share_dinkes", _("Sharing with the health office")
    SHARE_DINSOS = "share_dinsos", _("Sharing with the social affairs office")
    SHARE_DISDUKCAPIL = "share_disdukcapil", _("Sharing with civil registration")
    SHARE_DISNAKERTRANS = "share_disnakertrans", _("Sharing with the manpower office")
    SHARE_HEALTH_FACILITY = "share_health_facility", _("Sharing with health facilities")
    SHARE_UPTD_PPA = "share_uptd_ppa", _("Sharing with UPTD PPA")
    SHARE_BPJS_KESEHATAN = "share_bpjs_kesehatan", _("Sharing with BPJS Kesehatan")
    SHARE_BPJS_KETENAGAKERJAAN = (
        "share_bpjs_ketenagakerjaan",
        _("Sharing with BPJS Ketenagakerjaan"),
    )
    PHOTOS = "photos", _("Photos")

    @classmethod
    def for_agency_type(cls, agency_type):
        """The purpose that covers sharing with an agency of this type."""
        return {
            AgencyType.DINKES: cls.SHARE_DINKES,
            AgencyType.DINSOS: cls.SHARE_DINSOS,
            AgencyType.DISDUKCAPIL: cls.SHARE_DISDUKCAPIL,
            AgencyType.DISNAKERTRANS: cls.SHARE_DISNAKERTRANS,
            AgencyType.HEALTH_FACILITY: cls.SHARE_HEALTH_FACILITY,
            AgencyType.UPTD_PPA: cls.SHARE_UPTD_PPA,
            AgencyType.BPJS_KESEHATAN: cls.SHARE_BPJS_KESEHATAN,
            AgencyType.BPJS_KETENAGAKERJAAN: cls.SHARE_BPJS_KETENAGAKERJAAN,
        }.get(agency_type)


@pghistory.track()
class Consent(models.Model):
    """A consent (or a signed refusal) under UU PDP 27/2022."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("Consent given")
        REFUSED = "refused", _("Refused (signed refusal statement)")

    class GivenBy(models.TextChoices):
        PARTICIPANT = "participant", _("The participant")
        FAMILY = "family", _("Family")
        GUARDIAN = "guardian", _("Guardian")

    class Method(models.TextChoices):
        SIGNED_FORM = "signed_form", _("Signed form")
        THUMBPRINT = "thumbprint", _("Thumbprint")
        VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, witnessed")
        ELECTRONIC = "electronic", _("Electronic")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.GIVEN
    )
    given_by = models.CharField(_("given by"), max_length=12, choices=GivenBy.choices)
    giver_name = models.CharField(
        _("name of the person giving it"),
        max_length=150,
        blank=True,
        help_text=_("For family or a guardian."),
    )
    purposes = ArrayField(
        models.CharField(max_length=30, choices=ConsentPurpose.choices),
        verbose_name=_("purposes"),
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    evidence = models.ForeignKey(
        "Document",
        verbose_name=_("evidence document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    given_at = models.DateField(_("date"))
    withdrawn_at = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
            models.CheckConstraint(condition=~Q(purposes=[]), name="consent_has_a_purpose"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} {self.given_at}"

    @property
    def is_in_force(self):
        return self.withdrawn_at is None


def consent_summary(consents):
    """purpose -> "given" | "refused" | "withdrawn" | None (never asked).

    The latest consent that names a purpose decides it; a withdrawn one leaves
    the purpose withdrawn, not consented by an older record.
    """
    summary = dict.fromkeys(ConsentPurpose.values)
    for consent in sorted(consents, key=lambda c: (c.given_at, c.recorded_at)):
        state = consent.decision if consent.is_in_force else "withdrawn"
        for purpose in consent.purposes:
            summary[purpose] = state
    return summary


def document_path(document, filename):
    # Random names: the original name is kept in the row, never in the path.
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


@pghistory.track()
class Document(models.Model):
    """An uploaded file, served only through a permission-checked view."""

    class Type(models.TextChoices):
        HEALTH_LETTER = "health_letter", _("Health letter")
        CONSENT_FORM = "consent_form", _("Consent form")
        REFUSAL_STATEMENT = "refusal_statement", _("Signed refusal statement")
        KTP_COPY = "ktp_copy", _("KTP copy")
        KK_COPY = "kk_copy", _("Family card (KK) copy")
        PASSPORT = "passport", _("Passport")
        EMPLOYMENT_CONTRACT = "employment_contract", _("Employment contract")
        OTHER = "other", _("Other")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=200, editable=False)
    content_type = models.CharField(_("content type"), max_length=50, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.get_type_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("participants:document", args=[self.participant_id, self.pk])


class ImportJobQuerySet(OfficeScopedQuerySet):
    """Import jobs of the user's office, for the roles that may register participants."""

    readers = access.PARTICIPANT_EDITORS


def import_path(job, filename):
    # Random names, as for documents; the extension only helps whoever reads the folder.
    extension = ".csv" if filename.lower().endswith(".csv") else ".xlsx"
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


@track_status_changes(model_name="ImportJobStatusEvent", fields=["status", "failure"])
class ImportJob(WorkflowMixin, models.Model):
    """One uploaded spreadsheet of participants: checked, previewed, then written at once."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    # The worker (or the request, for a small file) checks and writes; a person starts
    # the writing. Each status change is kept by the history trigger.
    TRANSITIONS = {
        (Status.UPLOADED, Status.VALIDATING): Move(SYSTEM),
        (Status.VALIDATING, Status.VALIDATED): Move(SYSTEM),
        (Status.VALIDATING, Status.FAILED): Move(SYSTEM, needs="failure"),
        (Status.VALIDATED, Status.COMMITTING): Move(access.PARTICIPANT_EDITORS),
        (Status.COMMITTING, Status.COMMITTED): Move(SYSTEM),
        # The check just before writing found new errors: back to the preview.
        (Status.COMMITTING, Status.VALIDATED): Move(SYSTEM, needs="failure"),
        (Status.COMMITTING, Status.FAILED): Move(SYSTEM, needs="failure"),
    }
    ILLEGAL_MOVE = _("This file cannot be imported: it is not checked or has errors.")

    RUNNING = frozenset({Status.UPLOADED, Status.VALIDATING, Status.COMMITTING})

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=import_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="id")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    issues = models.JSONField(_("problems found"), default=list, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    imported_count = models.PositiveIntegerField(_("participants imported"), default=0)
    # Rows that may be someone registered already, as decided on the preview:
    # {"<row>": {"same": bool, "reason": str, "seen": [participant ids shown]}}.
    decisions = models.JSONField(_("decisions on possible duplicates"), default=dict, blank=True)
    # The rows with errors as the file has them, for the user to download, fix and upload
    # again: {"header": [column names as written], "delimiter": "," or ";" for a CSV,
    # "rows": [{"row": number, "cells": [text], "problems": [text]}]}.
    problem_rows = models.JSONField(_("rows with problems"), default=dict, blank=True)
    # The rows with errors the officer chose to leave out when importing the others.
    skipped_rows = models.JSONField(_("rows left out"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")
        indexes = [models.Index(fields=["office", "-created_at"], name="import_job_office_recent")]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("participants:import_job", args=[self.pk])

    @property
    def is_running(self):
        return self.status in self.RUNNING

    @property
    def can_commit(self):
        return self.status == self.Status.VALIDATED and not self.error_rows and self.total_rows > 0

    @property
    def good_rows(self):
        """The rows without errors: those an import that leaves the others out writes."""
        return max(self.total_rows - self.error_rows, 0)

    @property
    def can_commit_good_rows(self):
        """Rows have errors, others none, and the file is kept to import those others."""
        return (
            self.status == self.Status.VALIDATED
            and self.error_rows > 0
            and self.good_rows > 0
            and bool(self.file)
        )

    @property
    def percent(self):
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


# The duplicate pairs and merges live in their own module; importing them here registers them.
from .duplicates import ParticipantMerge, PossibleDuplicate  # noqa: E402, F401
