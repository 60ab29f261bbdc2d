import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def office_logo_path(office, filename):
    # A fresh name for each upload: a replaced logo never shows from a stale file.
    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"offices/logos/{uuid.uuid4().hex}{extension}"


@pghistory.track()
class Office(models.Model):
    """A BP3MI unit (Balai Pelayanan Pelindungan Pekerja Migran Indonesia).

    Its name, address, phone, email, website, logo and parent line make the letterhead
    (kop surat) of every PDF it sends.
    """

    name = models.CharField(_("name"), max_length=150, unique=True)
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 1},
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.CharField(_("website"), max_length=100, blank=True)
    letterhead_line = models.CharField(
        _("line above the office name"),
        max_length=150,
        blank=True,
        help_text=_(
            "Printed above the office name on letters and reports, e.g. the parent ministry."
        ),
    )
    city = models.CharField(
        _("city where letters are signed"),
        max_length=60,
        blank=True,
        help_text=_("The place before the date of a signature, e.g. Serang."),
    )
    logo = models.FileField(_("logo"), upload_to=office_logo_path, blank=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name


class AgencyType(models.TextChoices):
    DINKES = "dinkes", _("Health office (Dinas Kesehatan)")
    DINSOS = "dinsos", _("Social affairs office (Dinas Sosial)")
    DISDUKCAPIL = "disdukcapil", _("Civil registration office (Disdukcapil)")
    DISNAKERTRANS = "disnakertrans", _("Manpower office (Disnakertrans)")
    HEALTH_FACILITY = "health_facility", _("Health facility (Puskesmas, RSUD, RSJ)")
    UPTD_PPA = "uptd_ppa", _("Women and child protection unit (UPTD PPA)")
    BPJS_KESEHATAN = "bpjs_kesehatan", _("BPJS Kesehatan")
    BPJS_KETENAGAKERJAAN = "bpjs_ketenagakerjaan", _("BPJS Ketenagakerjaan")
    OTHER = "other", _("Other")


@pghistory.track()
class Agency(models.Model):
    """A local agency or facility that receives referrals (a Dinas, a Puskesmas, ...)."""

    Type = AgencyType

    name = models.CharField(_("name"), max_length=150)
    type = models.CharField(_("type"), max_length=30, choices=AgencyType.choices)
    regency = models.ForeignKey(
        "regions.Region",
        verbose_name=_("regency/city"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "name"], name="agency_unique_name_in_regency"
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=AgencyType.values),
                name="agency_type_valid",
            ),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    CASE_WORKER = "case_worker", _("Case worker")
    HEALTH_WORKER = "health_worker", _("Health worker")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    AUDITOR = "auditor", _("Auditor")


# What each role does, as the home page tells the user.
ROLE_SUMMARIES = {
    Role.ADMIN: _("You manage users, offices, agencies and reference data."),
    Role.COORDINATOR: _(
        "You follow the whole program of your office: participants, cases, referrals and reports."
    ),
    Role.CASE_WORKER: _(
        "You register returnees and their families, run their cases and plans, and refer "
        "them to agencies."
    ),
    Role.HEALTH_WORKER: _(
        "You record and read the physical and mental health screenings of your office's "
        "participants."
    ),
    Role.AGENCY_OFFICER: _(
        "You receive the referrals sent to your agency, update their status and record the outcome."
    ),
    Role.AUDITOR: _(
        "You read the access log, the change history and aggregate reports, without personal "
        "details."
    ),
}

# The NIP (Nomor Induk Pegawai) of a civil servant: 18 digits.
nip_validator = RegexValidator(
    r"^[0-9]{18}$", _("A NIP has exactly 18 digits, without spaces or dots.")
)

OFFICE_ROLES = [Role.COORDINATOR, Role.CASE_WORKER, Role.HEALTH_WORKER, Role.AUDITOR]


class PurnaUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: BP3MI staff belong to an Office, agency officers to an Agency."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Letters, digits and @/./+/-/_ only."),
        validators=[UnicodeUsernameValidator()],
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[nip_validator],
        help_text=_("Civil servant number (18 digits), printed under the name on signed letters."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the pages and emails; empty: the browser's."),
    )
    wants_daily_digest = models.BooleanField(
        _("daily email of my work list"),
        default=False,
        help_text=_(
            "Every morning, an email with how many tasks and unread notifications wait for "
            "you (no names: the link leads to Purna)."
        ),
    )
    # The day the latest digest went out, so that a digest is sent once a day at most.
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("can use the admin site"),
        default=False,
        help_text=_("Only administrators manage users and reference data."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Added by a coordinator and sent a link to set their own password.
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True, editable=False)
    invited_by = models.ForeignKey(
        "self",
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PurnaUserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="user_role_valid",
            ),
            # Office staff belong to an office, agency officers to an agency,
            # never both: visibility rules depend on it.
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=OFFICE_ROLES, office__isnull=False, agency__isnull=True)
                    | models.Q(role=Role.AGENCY_OFFICER, office__isnull=True, agency__isnull=False)
                    | models.Q(role=Role.ADMIN, agency__isnull=True)
                ),
                name="user_organisation_matches_role",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.username

    @property
    def organisation(self):
        """The office or agency the user works for, if any."""
        return self.agency if self.role == Role.AGENCY_OFFICER else self.office

    @property
    def role_summary(self):
        return ROLE_SUMMARIES.get(self.role, "")


class AccessLog(models.Model):
    """Append-only trace of who read, revealed, downloaded or logged in, and when.

    Rows can be added, never changed or removed: the database refuses it.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        VIEW = "view", _("Viewed")
        REVEAL = "reveal", _("Revealed")
        DOWNLOAD = "download", _("Downloaded")
        EXPORT = "export", _("Exported")
        ANONYMISE = "anonymise", _("Anonymised")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_logs",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="accesslog_object"),
            models.Index(fields=["user", "at"], name="accesslog_user"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="accesslog_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    @classmethod
    def record(cls, request, action, *, obj=None, detail="", user=None, username=""):
        """Write one entry for this request; `obj` names what was accessed."""
        user = user or (request.user if request.user.is_authenticated else None)
        return cls.objects.create(
            user=user,
            username=username or (user.get_username() if user else ""),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            # PostgreSQL text holds no NUL character; a crafted URL may carry one.
            detail=detail.replace("\x00", "")[:255],
            path=request.get_full_path().replace("\x00", "")[:500],
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )


class NotificationKind(models.TextChoices):
    NEW_REFERRAL = "new_referral", _("New referral")
    REFERRAL_STATUS = "referral_status", _("Referral status changed")
    OUTCOME_WAITING = "outcome_waiting", _("Outcome to confirm")
    ALERT_RAISED = "alert_raised", _("Alert raised")
    ALERT_HANDLED = "alert_handled", _("Alert handled")
    ASSIGNED = "assigned", _("Assigned to you")
    CONSENT_CHANGED = "consent_changed", _("Consent to share changed")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something that happened which one user should know of, shown under the bell.

    Created in the transaction of the write it tells of (`accounts.notifications.notify`),
    once per event and recipient (`event` names the event), only for people who may
    open what `url` leads to. The text names no person and no health detail: it may be
    read over a shoulder, and the page behind the link checks access again.
    """

    Kind = NotificationKind

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(max_length=300)
    event = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_list"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self):
        return self.text


class ScheduledRun(models.Model):
    """One run of a scheduled job (`accounts.schedule`): the unique pair makes each run
    start once, however many schedulers are running."""

    job = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "due_at"], name="scheduled_run_once")]

    def __str__(self):
        return f"{self.job} {self.due_at:%Y-%m-%d %H:%M}"


# Defined beside the middleware that uses it; imported here so Django finds the model.
from .submissions import Submission  # noqa: E402, F401
