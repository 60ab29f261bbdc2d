from django.db import migrations

# What each kind of agency is asked for.
SERVICES = [
    ("dinkes", "follow_up_examination", "Pemeriksaan kesehatan lanjutan", "Follow-up examination"),
    ("dinkes", "psychological_counselling", "Konseling psikolog", "Psychologist counselling"),
    ("dinkes", "psychiatric_care", "Layanan psikiater", "Psychiatrist care"),
    ("dinsos", "dtsen_registration", "Pendaftaran DTSEN", "DTSEN registration"),
    ("dinsos", "pkh_proposal", "Usulan PKH", "PKH proposal"),
    ("dinsos", "pbi_jk_activation", "Aktivasi/reaktivasi PBI-JK", "PBI-JK (re)activation"),
    ("dinsos", "social_rehabilitation", "Rehabilitasi sosial", "Social rehabilitation"),
    ("disdukcapil", "ktp_el", "Penerbitan KTP-el", "KTP-el issuance"),
    ("disdukcapil", "kk_update", "Pembaruan KK", "Family card update"),
    ("disdukcapil", "skdln", "Pelaporan SKDLN", "SKDLN report"),
    ("disdukcapil", "birth_certificate_abroad", "Akta kelahiran anak yang lahir di luar negeri",
     "Birth certificate for a child born abroad"),
    ("disnakertrans", "job_training", "Pelatihan kerja", "Job training"),
    ("disnakertrans", "productive_economy", "Usaha Ekonomi Produktif", "Productive-economy grant"),
    ("disnakertrans", "vulnerable_worker_insurance", "Jaminan Sosial Pekerja Rentan",
     "Social security for vulnerable workers"),
    ("disnakertrans", "wage_claim_mediation", "Mediasi klaim gaji", "Wage-claim mediation"),
    ("health_facility", "examination", "Pemeriksaan dan pengobatan", "Examination and treatment"),
    ("uptd_ppa", "survivor_assistance", "Pendampingan korban kekerasan",
     "Assistance for survivors of violence"),
    ("bpjs_kesehatan", "jkn_enrolment", "Pendaftaran atau aktivasi JKN", "JKN enrolment or activation"),
    ("bpjs_ketenagakerjaan", "benefit_claim", "Klaim manfaat BPJS Ketenagakerjaan",
     "BPJS Ketenagakerjaan benefit claim"),
]


def add_services(apps, schema_editor):
    Service = apps.get_model("referrals", "Service")
    for agency_type, code, name, name_en in SERVICES:
        Service.objects.update_or_create(
            agency_type=agency_type, code=code, defaults={"name": name, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(add_services, migrations.RunPython.noop)]
