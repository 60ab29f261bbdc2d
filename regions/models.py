from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=Region.Level.PROVINCE)


class Region(models.Model):
    """A Kemendagri administrative area, keyed by its dotted code (`36.03.33`)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        DISTRICT = 3, _("District")
        VILLAGE = 4, _("Village")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            # A code has one more dotted part per level: 36, 36.03, 36.03.33, 36.03.33.2001.
            models.CheckConstraint(
                condition=models.Q(level=1, code__regex=r"^\d{2}$", parent__isnull=True)
                | models.Q(level=2, code__regex=r"^\d{2}\.\d{2}$", parent__isnull=False)
                | models.Q(level=3, code__regex=r"^\d{2}\.\d{2}\.\d{2}$", parent__isnull=False)
                | models.Q(
                    level=4, code__regex=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", parent__isnull=False
                ),
                name="region_code_matches_level",
            ),
        ]
        indexes = [models.Index(fields=["parent", "name"], name="region_parent_name")]

    def __str__(self):
        return self.name

    @property
    def nik_prefix(self):
        """The digits a NIK issued here starts with (districts: 6 digits)."""
        return self.code.replace(".", "")
