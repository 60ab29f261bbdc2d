import factory

from accounts.models import Agency, Office, Role, User
from regions.models import Region

TEST_PASSWORD = "kata-sandi-uji-123"


def region(code, name, parent=None):
    level = code.count(".") + 1
    return Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )[0]


def banten_regions():
    """The slice of the region table the tests need: Banten down to Mekar Baru."""
    banten = region("36", "Banten")
    tangerang = region("36.03", "Kabupaten Tangerang", banten)
    mekar_baru = region("36.03.33", "Mekar Baru", tangerang)
    villages = ["Mekar Baru", "Kedaung", "Cijeruk", "Waliwis", "Klutuk", "Jenggot"]
    villages += ["Kosambi Dalam", "Gandaria"]
    for number, name in enumerate(villages, start=2001):
        region(f"36.03.33.{number}", name, mekar_baru)
    jawa_barat = region("32", "Jawa Barat")
    region("32.01", "Kabupaten Bogor", jawa_barat)
    return {"province": banten, "regency": tangerang, "district": mekar_baru}


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"BP3MI Uji {n}")
    province = factory.LazyFunction(lambda: banten_regions()["province"])


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    type = Agency.Type.DINSOS
    regency = factory.LazyFunction(lambda: banten_regions()["regency"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="id_ID")
    role = Role.CASE_WORKER
    office = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role != Role.AGENCY_OFFICER),
        yes_declaration=factory.SubFactory(OfficeFactory),
        no_declaration=None,
    )
    agency = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.AGENCY_OFFICER),
        yes_declaration=factory.SubFactory(AgencyFactory),
        no_declaration=None,
    )
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def valid_nik(birth_date, sex, serial, district="360333"):
    """A NIK that passes the rules, for the given person."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{district}{day:02d}{birth_date:%m%y}{serial:04d}"


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A returnee of office A's province, living in Mekar Baru, with one period abroad."""

    class Meta:
        model = "participants.Participant"
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    full_name = factory.Faker("name", locale="id_ID")
    sex = "F"
    birth_date = factory.Faker("date_of_birth", minimum_age=20, maximum_age=55)
    nik = factory.LazyAttributeSequence(lambda o, n: valid_nik(o.birth_date, o.sex, n + 1))
    village = factory.LazyFunction(
        lambda: banten_regions() and Region.objects.get(code="36.03.33.2001")
    )
    created_by = factory.LazyAttribute(
        lambda o: UserFactory(role=Role.CASE_WORKER, office=o.office)
    )

    @factory.post_generation
    def episode(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from participants.models import MigrationEpisode

            MigrationEpisode.objects.create(
                participant=obj,
                destination_country=kwargs.get("destination_country", "MY"),
                occupation="Asisten rumah tangga",
                sector="informal",
                return_type=kwargs.get("return_type", "problem"),
            )


def load_reference_data():
    """Reload the reference lists the data migrations seed (problems, services).

    Browser and threaded tests run in transactions that end by emptying every
    table, these lists included; the tests after them put them back with this.
    """
    from importlib import import_module

    from django.apps import apps

    import_module("participants.migrations.0002_seed_problems").add_problems(apps, None)
    import_module("referrals.migrations.0002_service_catalogue").add_services(apps, None)


def consent_to_dinsos(participant, by):
    """Consent to rehabilitation and to sharing with Dinsos; nothing about Dinkes."""
    import datetime

    from participants.models import Consent, ConsentPurpose

    return Consent.objects.create(
        participant=participant,
        decision=Consent.Decision.GIVEN,
        given_by=Consent.GivenBy.PARTICIPANT,
        purposes=[ConsentPurpose.REHABILITATION, ConsentPurpose.SHARE_DINSOS],
        method=Consent.Method.SIGNED_FORM,
        given_at=datetime.date(2025, 11, 5),
        recorded_by=by,
    )
