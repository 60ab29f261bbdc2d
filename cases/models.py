import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.querysets import OfficeScopedQuerySet
from accounts.workflow import Move, WorkflowMixin

from . import access, instruments, physical


class ProgramQuerySet(OfficeScopedQuerySet):
    readers = access.CASE_READERS


@pghistory.track()
class Program(models.Model):
    """A rehabilitation and reintegration event (kegiatan) run by an office."""

    office = models.ForeignKey(
        "accounts.Office", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    venue = models.CharField(_("venue"), max_length=200)
    district = models.ForeignKey(
        "regions.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 3},
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    partner_agencies = models.ManyToManyField(
        "accounts.Agency", verbose_name=_("partner agencies"), blank=True, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="program_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:program", args=[self.pk])


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    PLANNING = "planning", _("Planning")
    IMPLEMENTATION = "implementation", _("Implementation")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


class HelpRating(models.TextChoices):
    """What a returnee says of the help received, in their own words' summary."""

    VERY_HELPFUL = "very_helpful", _("Very helpful")
    HELPFUL = "helpful", _("Helpful")
    A_LITTLE = "a_little", _("A little helpful")
    NOT_HELPFUL = "not_helpful", _("Not helpful")
    NOT_ASKED = "not_asked", _("Could not be asked")


class CaseQuerySet(OfficeScopedQuerySet):
    office_lookup = "program__office"
    readers = access.CASE_READERS

    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)

    def roster(self):
        """The cases with what a program's roster shows, in a fixed number of queries."""

        def latest(kind, field):
            screenings = Screening.objects.filter(case=OuterRef("pk"), kind=kind)
            return Subquery(screenings.order_by("-screened_on", "-pk").values(field)[:1])

        return (
            self.select_related("participant__village", "case_worker")
            .annotate(
                srq_score=latest(Screening.Kind.SRQ20, "score"),
                srq_band=latest(Screening.Kind.SRQ20, "band"),
                bp_class=latest(Screening.Kind.PHYSICAL, "blood_pressure_class"),
                bmi=latest(Screening.Kind.PHYSICAL, "bmi"),
                open_alert_count=Count("alerts", filter=Q(alerts__resolved_at__isnull=True)),
            )
            .order_by("participant__full_name", "pk")
        )


@pghistory.track()
class Case(WorkflowMixin, models.Model):
    """One participant's enrolment in a program, from intake to closure."""

    Status = CaseStatus
    HelpRating = HelpRating

    class CloseReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        ONE_YEAR_LIMIT = "one_year_limit", _("One-year limit reached")
        REFUSED_SERVICES = "refused_services", _("Refused services")
        MOVED = "moved", _("Moved away")
        REMIGRATED = "remigrated", _("Went abroad again")
        DECEASED = "deceased", _("Deceased")
        UNREACHABLE = "unreachable", _("Unreachable")
        TRANSFERRED = "transferred", _("Transferred")
        OTHER = "other", _("Other")

    # (from, to) -> who may make the move and what it needs written. The case workers
    # move a case along; only a coordinator closes it, with a reason from the list.
    # Any open case may close; a closed case stays closed.
    TRANSITIONS = {
        (Status.INTAKE, Status.ASSESSMENT): Move(access.CASE_EDITORS),
        (Status.ASSESSMENT, Status.PLANNING): Move(access.CASE_EDITORS),
        (Status.PLANNING, Status.IMPLEMENTATION): Move(access.CASE_EDITORS),
        (Status.IMPLEMENTATION, Status.MONITORING): Move(access.CASE_EDITORS),
        # New needs found while monitoring send the case back to work.
        (Status.MONITORING, Status.IMPLEMENTATION): Move(access.CASE_EDITORS),
        (Status.INTAKE, Status.CLOSED): Move(access.CASE_CLOSERS, needs="close_reason"),
        (Status.ASSESSMENT, Status.CLOSED): Move(access.CASE_CLOSERS, needs="close_reason"),
        (Status.PLANNING, Status.CLOSED): Move(access.CASE_CLOSERS, needs="close_reason"),
        (Status.IMPLEMENTATION, Status.CLOSED): Move(access.CASE_CLOSERS, needs="close_reason"),
        (Status.MONITORING, Status.CLOSED): Move(access.CASE_CLOSERS, needs="close_reason"),
    }
    ILLEGAL_MOVE = _("A case in %(current)s cannot move to %(target)s.")

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="cases"
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INTAKE
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    # The day of the intake interview: the follow-up schedule counts from it, and a
    # correction moves the schedule with it (services.correct_intake_date).
    intake_date = models.DateField(_("intake date"), default=timezone.localdate)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # Written when the case closes: what came of the year, and what the returnee says
    # of the help received, in their own words.
    outcome_summary = models.TextField(_("outcome of the case"), blank=True)
    returnee_view = models.TextField(_("the returnee's view of the help received"), blank=True)
    returnee_rating = models.CharField(
        _("how helpful the returnee found it"),
        max_length=20,
        choices=HelpRating.choices,
        blank=True,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "program"], name="case_once_per_program"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values),
                name="case_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed", closed_at__isnull=False) & ~Q(close_reason=""))
                | (~Q(status="closed") & Q(close_reason="", closed_at__isnull=True)),
                name="case_closed_with_reason",
            ),
        ]
        indexes = [
            # A program's cases by status (its figures), and its cases with their
            # participants (the roster, its alerts) without reading the table itself.
            models.Index(
                fields=["program", "status"],
                include=["id", "participant"],
                name="case_program_status",
            ),
            # A case worker's open cases, the latest first (the home page's list).
            models.Index(
                F("case_worker"),
                F("opened_at").desc(),
                F("id").desc(),
                name="case_worker_open_latest",
                condition=~Q(status=CaseStatus.CLOSED),
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.program}"

    def get_absolute_url(self):
        return reverse("cases:case", args=[self.pk])

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

    @property
    def rehabilitation_deadline(self):
        return self.participant.rehabilitation_deadline

    def namesakes(self):
        """The other cases of the program whose participant has the same name, so that a
        screening or a referral is not recorded on the wrong person."""
        return (
            Case.objects.filter(
                program_id=self.program_id,
                participant__full_name__iexact=self.participant.full_name.strip(),
            )
            .exclude(pk=self.pk)
            .select_related("participant__village")
            .order_by("participant__registration_number")
        )


class CaseStatusChange(models.Model):
    """Who moved a case, when, from where to where, and why. Written with the move."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Case.Status.choices)
    reason = models.TextField(_("why"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")
        indexes = [models.Index(fields=["case", "changed_at"], name="case_change_timeline")]

    def __str__(self):
        return f"{self.from_status} -> {self.to_status}"


class ScreeningKind(models.TextChoices):
    """A physical screening, or one per instrument of cases.instruments, by its code."""

    PHYSICAL = "physical", _("Physical screening")
    SRQ20 = "srq20", "SRQ-20"
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"


@pghistory.track()
class Screening(models.Model):
    """A physical or mental-health screening recorded against a case.

    Scores support decisions and never make them: `decision` is what the
    health worker decided.
    """

    Kind = ScreeningKind
    PHYSICAL = ScreeningKind.PHYSICAL

    class GlucoseSample(models.TextChoices):
        CAPILLARY = "capillary", _("Capillary (finger prick)")
        VENOUS = "venous", _("Venous plasma")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="screenings"
    )
    follow_up = models.ForeignKey(
        "FollowUp",
        verbose_name=_("follow-up visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings",
    )
    kind = models.CharField(_("screening"), max_length=20, choices=Kind.choices)
    screened_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    decision = models.TextField(
        _("decision and follow-up"),
        blank=True,
        help_text=_("What you decided with the participant. The score does not decide."),
    )

    # Questionnaires
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    band = models.CharField(_("result"), max_length=30, blank=True)

    # Physical screening
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    bmi = models.DecimalField(_("BMI"), max_digits=4, decimal_places=1, null=True, blank=True)
    bmi_class_kemenkes = models.CharField(max_length=30, blank=True)
    bmi_class_asia_pacific = models.CharField(max_length=30, blank=True)
    systolic_1 = models.PositiveSmallIntegerField(_("systolic 1"), null=True, blank=True)
    diastolic_1 = models.PositiveSmallIntegerField(_("diastolic 1"), null=True, blank=True)
    systolic_2 = models.PositiveSmallIntegerField(_("systolic 2"), null=True, blank=True)
    diastolic_2 = models.PositiveSmallIntegerField(_("diastolic 2"), null=True, blank=True)
    blood_pressure_class = models.CharField(max_length=30, blank=True)
    glucose_mg_dl = models.PositiveSmallIntegerField(
        _("blood glucose (mg/dL)"), null=True, blank=True
    )
    glucose_sample = models.CharField(
        _("sample"), max_length=10, choices=GlucoseSample.choices, blank=True
    )
    glucose_fasting = models.BooleanField(_("fasting"), default=False)
    glucose_class = models.CharField(max_length=30, blank=True)
    waist_cm = models.DecimalField(
        _("waist (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    central_obesity = models.BooleanField(null=True, blank=True)
    complaints = models.TextField(_("complaints"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    icd10 = models.CharField(_("ICD-10 code"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [models.Index(fields=["case", "kind", "screened_on"], name="screening_case")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ScreeningKind.values),
                name="screening_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(systolic_1__isnull=True)
                | Q(diastolic_1__isnull=True)
                | Q(systolic_1__gt=F("diastolic_1")),
                name="screening_bp1_systolic_above_diastolic",
            ),
            models.CheckConstraint(
                condition=Q(systolic_2__isnull=True)
                | Q(diastolic_2__isnull=True)
                | Q(systolic_2__gt=F("diastolic_2")),
                name="screening_bp2_systolic_above_diastolic",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gt=0),
                name="screening_weight_positive",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.screened_on}"

    @property
    def is_physical(self):
        return self.kind == self.PHYSICAL

    @property
    def title(self):
        """The screening's name as a reader knows it: "SRQ-20", "Physical screening"."""
        if self.is_physical:
            return str(_("Physical screening"))
        instrument = self._instrument
        return str(instrument.name) if instrument else self.kind

    @property
    def band_label(self):
        band = self._band
        return str(band.label) if band else self.band

    @property
    def band_level(self):
        band = self._band
        return band.level if band else ""

    def classify(self, *, sex: str | None = None) -> list[str]:
        """Fill in every derived field from the measured or answered ones; nothing is saved.

        A questionnaire gets its score and band from its instrument's scoring of the
        answers ({item number: value}; an incomplete or invalid set raises ValueError).
        A physical screening gets its BMI and BMI classes, the class of the mean of its
        blood-pressure readings, its glucose class and, from the participant's `sex`
        ("M" or "F", needed when a waist was measured), whether it is central obesity;
        a measurement left out clears what it would have given.

        Returns the codes of the alerts the result calls for (Alert.Code values).
        """
        if self.is_physical:
            return self._classify_measurements(sex)
        return self._classify_answers()

    def _classify_answers(self):
        instrument = self._instrument
        if instrument is None:
            raise ValueError(f"No instrument scores a screening of kind {self.kind!r}")
        # Stored answers are keyed by the item number as text (JSON object keys).
        answers = {
            int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else key: value
            for key, value in self.answers.items()
        }
        result = instruments.score_answers(instrument, answers)
        self.answers = {str(number): value for number, value in answers.items()}
        self.score = result.score
        self.band = result.band.code
        return [rule.code for rule in result.alerts]

    def _classify_measurements(self, sex):
        alerts = []
        if self.height_cm and self.weight_kg:
            self.bmi = physical.bmi(self.weight_kg, self.height_cm)
            self.bmi_class_kemenkes = physical.bmi_class_kemenkes(self.bmi).code
            self.bmi_class_asia_pacific = physical.bmi_class_asia_pacific(self.bmi).code
        else:
            self.bmi, self.bmi_class_kemenkes, self.bmi_class_asia_pacific = None, "", ""
        readings = [
            (systolic, diastolic)
            for systolic, diastolic in (
                (self.systolic_1, self.diastolic_1),
                (self.systolic_2, self.diastolic_2),
            )
            if systolic and diastolic
        ]
        self.blood_pressure_class = ""
        if readings:
            klass = physical.blood_pressure_class(*physical.mean_blood_pressure(readings))
            self.blood_pressure_class = klass.code
            if klass.urgent:
                alerts.append(Alert.Code.URGENT_BLOOD_PRESSURE)
        self.glucose_class = (
            physical.glucose_class(self.glucose_mg_dl, fasting=self.glucose_fasting).code
            if self.glucose_mg_dl
            else ""
        )
        self.central_obesity = (
            physical.central_obesity(self.waist_cm, sex) if self.waist_cm else None
        )
        return alerts

    @property
    def _instrument(self):
        return instruments.INSTRUMENTS.get(self.kind)

    @property
    def _band(self):
        instrument = self._instrument
        if instrument is None or self.is_physical:
            return None
        return next((b for b in instrument.bands if b.code == self.band), None)


class AlertQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)


@pghistory.track()
class Alert(models.Model):
    """A finding that needs action now (a suicide-risk answer, an urgent blood pressure).

    It stays on the case, the roster and the dashboard until a person records
    what was done.
    """

    class Code(models.TextChoices):
        SUICIDE_RISK = "suicide_risk", _("Suicide risk")
        URGENT_BLOOD_PRESSURE = "urgent_blood_pressure", _("Urgent blood pressure")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="alerts")
    code = models.CharField(_("alert"), max_length=30, choices=Code.choices)
    raised_at = models.DateTimeField(default=timezone.now)
    action_taken = models.TextField(_("what was done"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(
                fields=["case"], condition=Q(resolved_at__isnull=True), name="alert_unresolved"
            ),
            # The oldest alerts waiting first (work lists, the home page): read in order,
            # each with its case, from the index alone, until the first rows are found.
            models.Index(
                fields=["raised_at", "id"],
                include=["case"],
                condition=Q(resolved_at__isnull=True),
                name="alert_unresolved_oldest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True)
                | (Q(resolved_by__isnull=False) & ~Q(action_taken="")),
                name="alert_resolved_with_action",
            )
        ]

    def __str__(self):
        return self.get_code_display()


@pghistory.track()
class PlanItem(models.Model):
    """One step of the follow-up plan (rencana tindak lanjut)."""

    class Dimension(models.TextChoices):
        ECONOMIC = "economic", _("Economic")
        SOCIAL = "social", _("Social")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plan_items")
    dimension = models.CharField(_("dimension"), max_length=15, choices=Dimension.choices)
    intervention = models.CharField(_("intervention"), max_length=200)
    responsible_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self):
        return self.intervention


@pghistory.track()
class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self):
        return self.text[:50]


class FollowUpQuerySet(models.QuerySet):
    def pending(self):
        """Scheduled and not visited yet."""
        return self.filter(visited_on__isnull=True)

    def due_by(self, day):
        """Not visited yet and due on or before `day` (overdue ones included)."""
        return self.pending().filter(due_on__lte=day)


@pghistory.track()
class FollowUp(models.Model):
    """A follow-up visit 1, 3, 6 or 12 months after intake.

    Every case opens with one row per month (`schedule.SCHEDULE_MONTHS`), due on its
    date and not visited yet; recording the visit fills in the day, the summary and who.
    """

    class Month(models.IntegerChoices):
        ONE = 1, _("1 month")
        THREE = 3, _("3 months")
        SIX = 6, _("6 months")
        TWELVE = 12, _("12 months")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    month = models.PositiveSmallIntegerField(_("visit"), choices=Month.choices)
    due_on = models.DateField(_("due on"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True, editable=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [
            models.UniqueConstraint(fields=["case", "month"], name="followup_once_per_month"),
            models.CheckConstraint(
                condition=Q(visited_on__isnull=True, recorded_by__isnull=True)
                | Q(visited_on__isnull=False, recorded_by__isnull=False),
                name="followup_visited_by_someone",
            ),
        ]
        indexes = [
            # Work lists walk the visits not made yet in their order (due date, case,
            # month), stopping at the first rows shown rather than sorting every visit due.
            models.Index(
                fields=["due_on", "case", "month"],
                condition=Q(visited_on__isnull=True),
                name="followup_pending",
            )
        ]

    def __str__(self):
        return self.get_month_display()

    @property
    def is_done(self):
        return self.visited_on is not None

    def is_overdue(self, today=None):
        return not self.is_done and self.due_on < (today or timezone.localdate())


class OutcomeOccasion(models.TextChoices):
    INTAKE = "intake", _("At intake")
    MONTH_6 = "month_6", _("At 6 months")
    MONTH_12 = "month_12", _("At 12 months")
    CLOSING = "closing", _("At closing")


@pghistory.track()
class OutcomeMeasure(models.Model):
    """The reintegration outcome measure (`cases.outcomes.QUESTIONS`) taken on one occasion.

    The answers are kept item by item; the score of each dimension (0-100, higher is
    better) is computed from them by `outcomes.score` and stored for counting.
    """

    Occasion = OutcomeOccasion

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcome_measures")
    occasion = models.CharField(_("occasion"), max_length=10, choices=OutcomeOccasion.choices)
    taken_on = models.DateField(_("date"), default=timezone.localdate)
    follow_up = models.ForeignKey(
        FollowUp,
        verbose_name=_("follow-up visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome_measures",
    )
    answers = models.JSONField(_("answers"), default=dict)
    economic_score = models.PositiveSmallIntegerField(_("economic"))
    social_score = models.PositiveSmallIntegerField(_("social"))
    psychosocial_score = models.PositiveSmallIntegerField(_("psychosocial"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reintegration outcome measure")
        verbose_name_plural = _("reintegration outcome measures")
        constraints = [
            models.UniqueConstraint(fields=["case", "occasion"], name="outcome_once_per_occasion"),
            models.CheckConstraint(
                condition=Q(occasion__in=OutcomeOccasion.values), name="outcome_occasion_valid"
            ),
            models.CheckConstraint(
                condition=Q(economic_score__lte=100)
                & Q(social_score__lte=100)
                & Q(psychosocial_score__lte=100),
                name="outcome_scores_within_100",
            ),
        ]

    def __str__(self):
        return self.get_occasion_display()
