"""Demo office, agencies and one user per role (the logins that `make run` prints)."""

from django.conf import settings

from regions.models import Region

from .models import OFFICE_ROLES, Agency, Office, Role, User

DEFAULT_DEMO_PASSWORD = "purna-demo-2025"

OFFICE_NAME = "BP3MI Banten"
KABUPATEN_TANGERANG = "36.03"

AGENCIES = {
    Agency.Type.DINKES: "Dinas Kesehatan Kabupaten Tangerang",
    Agency.Type.DINSOS: "Dinas Sosial Kabupaten Tangerang",
    Agency.Type.DISDUKCAPIL: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Tangerang",
    Agency.Type.DISNAKERTRANS: "Dinas Tenaga Kerja Kabupaten Tangerang",
}

# username -> (full name, role, agency type for officers)
USERS = {
    "admin": ("Admin Purna", Role.ADMIN, None),
    "koordinator": ("Rina Wulandari", Role.COORDINATOR, None),
    "petugas": ("Dedi Kurniawan", Role.CASE_WORKER, None),
    "nakes": ("dr. Siti Rahmawati", Role.HEALTH_WORKER, None),
    "dinkes": ("Agus Setiawan", Role.AGENCY_OFFICER, Agency.Type.DINKES),
    "dinsos": ("Maya Lestari", Role.AGENCY_OFFICER, Agency.Type.DINSOS),
    "disdukcapil": ("Hendra Gunawan", Role.AGENCY_OFFICER, Agency.Type.DISDUKCAPIL),
    "disnakertrans": ("Yuliana Putri", Role.AGENCY_OFFICER, Agency.Type.DISNAKERTRANS),
    "auditor": ("Bambang Prasetyo", Role.AUDITOR, None),
}

# Reserved .example domains: mail to them never leaves a real server.
EMAILS = {
    "admin": "admin@bp3mi-banten.example",
    "koordinator": "koordinator@bp3mi-banten.example",
    "petugas": "petugas@bp3mi-banten.example",
    "nakes": "nakes@bp3mi-banten.example",
    "dinkes": "dinkes@dinkes-tangerang.example",
    "dinsos": "dinsos@dinsos-tangerang.example",
    "disdukcapil": "disdukcapil@disdukcapil-tangerang.example",
    "disnakertrans": "disnakertrans@disnakertrans-tangerang.example",
    "auditor": "auditor@bp3mi-banten.example",
}


def demo_password() -> str:
    return getattr(settings, "DEMO_PASSWORD", "") or DEFAULT_DEMO_PASSWORD


def seed(out) -> None:
    office, _ = Office.objects.get_or_create(
        name=OFFICE_NAME,
        defaults={
            "province": Region.objects.get(code="36"),
            "address": "Jl. Raya Serang, Kota Serang, Banten",
            "letterhead_line": "Kementerian Pelindungan Pekerja Migran Indonesia",
            "city": "Serang",
        },
    )
    regency = Region.objects.get(code=KABUPATEN_TANGERANG)
    agencies = {
        agency_type: Agency.objects.get_or_create(
            name=name, regency=regency, defaults={"type": agency_type}
        )[0]
        for agency_type, name in AGENCIES.items()
    }
    password = demo_password()
    created = []
    for username, (full_name, role, agency_type) in USERS.items():
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": EMAILS[username],
                "role": role,
                "office": office if role in (Role.ADMIN, *OFFICE_ROLES) else None,
                "agency": agencies[agency_type] if agency_type else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if was_created:
            user.set_password(password)
            user.save(update_fields=["password"])
            created.append(username)
        elif not user.email:
            # Demo users made before they had addresses; a changed address is kept.
            user.email = EMAILS[username]
            user.save(update_fields=["email"])
    out.write(
        f"Demo office {office.name}, {len(agencies)} agencies, {len(USERS)} users "
        f"({len(created)} new)."
    )
