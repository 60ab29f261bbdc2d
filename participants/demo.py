"""The 20 fictional returnees of the Mekar Baru event (5-6 November 2025).

Names, NIKs and stories are invented; the mix of problems follows the real
event: abuse, sexual harassment, work accidents, legal trouble, unpaid wages,
physical and mental illness.
"""

import datetime

from django.utils import timezone

from accounts.demo import OFFICE_NAME
from accounts.models import Office, User
from regions.models import Region

from .duplicate_scan import scan_office
from .models import Consent, ConsentPurpose, HouseholdMember, MigrationEpisode, Participant, Problem

MEKAR_BARU = "36.03.33"
MEKAR_BARU_DAY = datetime.date(2025, 11, 5)

# name, sex, birth date, village suffix, country, occupation, arrival, return type, problems,
# narrative, has NIK
RETURNEES = [
    (
        "Siti Aminah",
        "F",
        "1988-03-14",
        "2001",
        "SA",
        "Asisten rumah tangga",
        "2025-08-20",
        "problem",
        ["physical_abuse", "unpaid_wages"],
        "Dipukul majikan berulang kali; gaji 8 bulan tidak dibayar.",
        True,
    ),
    (
        "Nurhayati",
        "F",
        "1991-07-02",
        "2002",
        "MY",
        "Asisten rumah tangga",
        "2025-09-11",
        "deported",
        ["undocumented_overstay", "deported", "mental_illness"],
        "Ditahan di depo imigrasi 3 bulan sebelum dideportasi; sulit tidur sejak pulang.",
        True,
    ),
    (
        "Dewi Lestari",
        "F",
        "1993-11-23",
        "2003",
        "HK",
        "Pengasuh lansia",
        "2025-07-30",
        "problem",
        ["sexual_violence", "mental_illness"],
        "Mengalami pelecehan seksual oleh anggota keluarga majikan.",
        True,
    ),
    (
        "Ahmad Fauzi",
        "M",
        "1985-01-09",
        "2004",
        "KR",
        "Operator pabrik",
        "2025-06-15",
        "sick",
        ["work_accident", "physical_illness", "social_security_claim"],
        "Tangan kanan terjepit mesin; jari telunjuk diamputasi.",
        True,
    ),
    (
        "Rina Marlina",
        "F",
        "1990-05-17",
        "2005",
        "TW",
        "Perawat lansia",
        "2025-10-02",
        "contract_ended",
        ["physical_illness"],
        "Nyeri punggung kronis setelah 6 tahun bekerja.",
        True,
    ),
    (
        "Sri Wahyuni",
        "F",
        "1987-09-30",
        "2006",
        "SA",
        "Asisten rumah tangga",
        "2025-05-21",
        "repatriated",
        ["physical_abuse", "documents_confiscated", "wants_repatriation"],
        "Paspor ditahan majikan; dipulangkan melalui KBRI setelah melapor.",
        True,
    ),
    (
        "Yuyun Yuningsih",
        "F",
        "1995-02-11",
        "2007",
        "AE",
        "Asisten rumah tangga",
        "2025-08-03",
        "problem",
        ["sexual_violence", "pregnant_or_child"],
        "Pulang dalam keadaan hamil akibat kekerasan seksual.",
        False,
    ),
    (
        "Budi Santoso",
        "M",
        "1983-12-05",
        "2008",
        "MY",
        "Buruh perkebunan",
        "2025-04-18",
        "deported",
        ["legal_problems", "deported"],
        "Dipenjara 6 bulan karena izin kerja tidak diperpanjang agen.",
        True,
    ),
    (
        "Entin Kartini",
        "F",
        "1979-06-25",
        "2001",
        "SA",
        "Asisten rumah tangga",
        "2025-03-09",
        "sick",
        ["physical_illness", "unpaid_wages"],
        "Diabetes tidak terkontrol; gaji 5 bulan tertahan.",
        True,
    ),
    (
        "Komariah",
        "F",
        "1989-08-08",
        "2002",
        "QA",
        "Asisten rumah tangga",
        "2025-09-27",
        "problem",
        ["physical_abuse", "mental_illness", "work_not_as_contracted"],
        "Bekerja 18 jam sehari; sering dimaki dan dipukul.",
        True,
    ),
    (
        "Wawan Setiawan",
        "M",
        "1992-04-14",
        "2003",
        "JP",
        "Pekerja konstruksi",
        "2025-07-07",
        "sick",
        ["work_accident", "physical_illness"],
        "Jatuh dari perancah; patah kaki kiri.",
        True,
    ),
    (
        "Lilis Suryani",
        "F",
        "1986-10-19",
        "2004",
        "HK",
        "Asisten rumah tangga",
        "2025-06-28",
        "problem",
        ["unilateral_termination", "unpaid_wages"],
        "Diberhentikan sepihak tanpa pesangon dan tiket pulang.",
        True,
    ),
    (
        "Euis Rohaeni",
        "F",
        "1994-12-01",
        "2005",
        "MY",
        "Asisten rumah tangga",
        "2025-10-14",
        "repatriated",
        ["trafficking", "job_fraud", "sexual_violence"],
        "Direkrut calo untuk kerja restoran; dipaksa bekerja di tempat hiburan.",
        False,
    ),
    (
        "Tati Sumiati",
        "F",
        "1981-03-03",
        "2006",
        "SA",
        "Asisten rumah tangga",
        "2025-02-12",
        "contract_ended",
        ["mental_illness", "rejected_by_family"],
        "Gejala depresi berat; keluarga menolak menerima kembali.",
        True,
    ),
    (
        "Asep Saepudin",
        "M",
        "1990-01-27",
        "2007",
        "KR",
        "Nelayan kapal",
        "2025-08-30",
        "problem",
        ["physical_abuse", "unpaid_wages", "legal_problems"],
        "Dianiaya kapten kapal; kasus gaji sedang dimediasi.",
        True,
    ),
    (
        "Neneng Hasanah",
        "F",
        "1996-07-21",
        "2008",
        "TW",
        "Pengasuh lansia",
        "2025-09-05",
        "sick",
        ["physical_illness", "mental_illness"],
        "Tuberkulosis paru; cemas berlebihan.",
        True,
    ),
    (
        "Imas Masitoh",
        "F",
        "1984-05-05",
        "2001",
        "OM",
        "Asisten rumah tangga",
        "2025-01-25",
        "problem",
        ["sexual_violence", "physical_abuse", "lost_contact"],
        "Sempat hilang kontak 2 tahun; mengalami kekerasan fisik dan seksual.",
        True,
    ),
    (
        "Joko Suhendar",
        "M",
        "1980-11-11",
        "2002",
        "MY",
        "Buruh bangunan",
        "2025-05-02",
        "failed_departure",
        ["failed_departure", "job_fraud", "overcharging"],
        "Membayar Rp 25 juta kepada calo; tidak pernah diberangkatkan.",
        True,
    ),
    (
        "Sukarni",
        "F",
        "1977-09-09",
        "2003",
        "SA",
        "Asisten rumah tangga",
        "2025-04-04",
        "sick",
        ["physical_illness", "social_security_claim"],
        "Stroke ringan; perlu fisioterapi.",
        True,
    ),
    (
        "Ratna Sari",
        "F",
        "1998-02-28",
        "2004",
        "SG",
        "Asisten rumah tangga",
        "2025-10-20",
        "problem",
        ["legal_problems", "mental_illness"],
        "Dituduh mencuri oleh majikan; dibebaskan setelah pemeriksaan.",
        True,
    ),
]


def recent_returnees(today: datetime.date):
    """The returnees of the office's running program, who came home weeks before `today`
    (the day the demo is seeded), so that the demo always shows a year in progress.
    Same fields as RETURNEES, the arrival as a date, then the DTSEN decile when known."""

    def weeks_ago(weeks):
        return today - datetime.timedelta(weeks=weeks)

    return [
        (
            "Wati Suryani",
            "F",
            "1990-05-17",
            "2001",
            "SA",
            "Asisten rumah tangga",
            weeks_ago(9),
            "problem",
            ["unpaid_wages", "physical_abuse"],
            "Gaji 5 bulan tidak dibayar; dipukul.",
            True,
            2,
        ),
        (
            "Eko Prasetyo",
            "M",
            "1986-01-30",
            "2002",
            "MY",
            "Buruh perkebunan",
            weeks_ago(8),
            "deported",
            ["undocumented_overstay", "documents_confiscated"],
            "Paspor ditahan majikan; dideportasi lewat Nunukan.",
            False,
            3,
        ),
        (
            "Lilis Suryati",
            "F",
            "1995-08-08",
            "2003",
            "TW",
            "Perawat lansia",
            weeks_ago(8),
            "problem",
            ["mental_illness", "unilateral_termination"],
            "Diputus kontrak sepihak; cemas dan sulit tidur.",
            True,
        ),
        (
            "Darsih",
            "F",
            "1979-12-01",
            "2004",
            "SA",
            "Asisten rumah tangga",
            weeks_ago(10),
            "sick",
            ["physical_illness"],
            "Hipertensi; dipulangkan karena sakit.",
            True,
            4,
        ),
        (
            "Ujang Hermawan",
            "M",
            "1992-04-21",
            "2001",
            "KR",
            "Operator pabrik",
            weeks_ago(9),
            "work_accident",
            ["work_accident", "social_security_claim"],
            "Jari tangan kanan terjepit mesin; klaim JKK belum cair.",
            True,
            6,
        ),
        (
            "Nining Kurniasih",
            "F",
            "1997-10-10",
            "2002",
            "HK",
            "Asisten rumah tangga",
            weeks_ago(7),
            "problem",
            ["sexual_violence"],
            "Mengalami pelecehan; didampingi KBRI.",
            True,
        ),
    ]


# A few families left behind: participant index -> (relationship, name, sex, birth date, school)
HOUSEHOLDS = {
    0: [
        ("child", "Rizky Ramadhan", "M", "2012-08-10", "in_school"),
        ("spouse", "Jaja Sudrajat", "M", "1984-04-02", "not_applicable"),
    ],
    2: [("parent", "Onah", "F", "1960-01-01", "not_applicable")],
    3: [
        ("spouse", "Yanti", "F", "1988-06-06", "not_applicable"),
        ("child", "Putri Aulia", "F", "2015-02-14", "in_school"),
        ("child", "Fajar", "M", "2019-09-09", "not_yet"),
    ],
    6: [("child", "(belum bernama)", "", "2025-11-01", "not_yet")],
    12: [("child", "Andi", "M", "2010-03-03", "dropped_out")],
    16: [("child", "Nabila", "F", "2009-12-12", "in_school")],
}

SHARING = [
    ConsentPurpose.REHABILITATION,
    ConsentPurpose.SHARE_DINKES,
    ConsentPurpose.SHARE_DINSOS,
    ConsentPurpose.SHARE_DISDUKCAPIL,
    ConsentPurpose.SHARE_DISNAKERTRANS,
]


def demo_nik(birth_date: datetime.date, sex: str, serial: int) -> str:
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"360333{day:02d}{birth_date:%m%y}{serial:04d}"


def seed(out) -> None:
    office = Office.objects.get(name=OFFICE_NAME)
    case_worker = User.objects.get(username="petugas")
    problems = {problem.code: problem for problem in Problem.objects.all()}
    villages = {region.code: region for region in Region.objects.filter(parent_id=MEKAR_BARU)}
    created = 0
    for index, row in enumerate(RETURNEES):
        created += _register(
            row, index, 101 + index, office, case_worker, problems, villages, MEKAR_BARU_DAY
        )
    out.write(f"Mekar Baru returnees: {len(RETURNEES)} ({created} new).")
    created = 0
    recent = recent_returnees(timezone.localdate())
    for index, row in enumerate(recent):
        created += _register(
            row,
            index,
            201 + index,
            office,
            case_worker,
            problems,
            villages,
            row[6] + datetime.timedelta(weeks=2),
        )
    out.write(f"Returnees of the running program: {len(recent)} ({created} new).")
    _register_one_twice(office, case_worker)
    found = scan_office(office)
    out.write(f"Possible duplicates for the coordinator: {found} new.")


def _register(row, index, serial, office, case_worker, problems, villages, consent_day) -> int:
    """Register one returnee of a list above, unless registered already: 1 if new."""
    (
        name,
        sex,
        born,
        village,
        country,
        occupation,
        arrival,
        return_type,
        codes,
        story,
        has_nik,
        *known_decile,
    ) = row
    birth_date = datetime.date.fromisoformat(born)
    nik = demo_nik(birth_date, sex, serial) if has_nik else ""
    lookup = {"nik": nik} if nik else {"full_name": name, "birth_date": birth_date}
    if Participant.objects.filter(office=office, **lookup).exists():
        return 0
    arrival_date = datetime.date.fromisoformat(arrival) if isinstance(arrival, str) else arrival
    participant = Participant.objects.create(
        office=office,
        full_name=name,
        nik=nik,
        nik_missing_reason="" if nik else "KTP hilang di luar negeri",
        sex=sex,
        birth_date=birth_date,
        birth_place="Tangerang",
        phone=f"0812{8800000 + index * 137:07d}",
        address=f"Kp. {villages[f'{MEKAR_BARU}.{village}'].name} RT 0{index % 9 + 1}/02",
        village=villages[f"{MEKAR_BARU}.{village}"],
        marital_status="married" if index % 3 else "divorced",
        education="smp" if index % 2 else "sd",
        civil_status_issues=[] if nik else ["no_ktp_el"],
        jkn_segment="not_enrolled" if index % 4 == 0 else "pbi_apbn",
        jkn_status="never" if index % 4 == 0 else "active",
        narrative=story,
        dtsen_decile=known_decile[0] if known_decile else None,
        created_by=case_worker,
    )
    participant.problems.set([problems[code] for code in codes])
    MigrationEpisode.objects.create(
        participant=participant,
        destination_country=country,
        occupation=occupation,
        sector="informal" if "rumah tangga" in occupation or "Pengasuh" in occupation else "formal",
        placement_scheme="nonprocedural" if "trafficking" in codes else "p_to_p",
        departure_date=arrival_date.replace(year=arrival_date.year - 2),
        arrival_date=arrival_date,
        return_type=return_type,
    )
    for relationship, member_name, member_sex, member_born, school in HOUSEHOLDS.get(index, []):
        HouseholdMember.objects.create(
            participant=participant,
            relationship=relationship,
            full_name=member_name,
            sex=member_sex,
            birth_date=datetime.date.fromisoformat(member_born),
            school_status=school,
        )
    Consent.objects.create(
        participant=participant,
        given_by=Consent.GivenBy.PARTICIPANT,
        # One returnee agreed to services but not to sharing with the civil registry.
        purposes=[p for p in SHARING if index != 13 or p != ConsentPurpose.SHARE_DISDUKCAPIL],
        method=Consent.Method.SIGNED_FORM,
        given_at=consent_day,
        recorded_by=case_worker,
    )
    if index in HOUSEHOLDS:
        Consent.objects.create(
            participant=participant,
            given_by=Consent.GivenBy.FAMILY,
            giver_name=HOUSEHOLDS[index][0][1],
            purposes=[ConsentPurpose.REHABILITATION],
            method=Consent.Method.SIGNED_FORM,
            given_at=consent_day,
            recorded_by=case_worker,
        )
    return 1


def _register_one_twice(office, case_worker):
    """Nurhayati, registered again at the desk without her KTP, in the old spelling: the
    pair the coordinator finds on the possible-duplicates list."""
    nurhayati = Participant.objects.filter(office=office, full_name="Nurhayati").first()
    if nurhayati is None:
        return
    Participant.objects.get_or_create(
        office=office,
        full_name="Noer Hayati",
        birth_date=nurhayati.birth_date,
        defaults={
            "nik_missing_reason": "Tidak membawa KTP saat mendaftar",
            "sex": nurhayati.sex,
            "phone": nurhayati.phone,
            "village": nurhayati.village,
            "created_by": case_worker,
        },
    )
