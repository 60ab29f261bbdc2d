from django.db import migrations

# The problems returnees report; administrators can add and retire entries.
PROBLEMS = [
    ("wants_repatriation", "Ingin dipulangkan", "Wants repatriation"),
    ("unpaid_wages", "Gaji tidak dibayar", "Unpaid wages"),
    ("failed_departure", "Gagal berangkat", "Failed departure"),
    ("physical_illness", "Sakit fisik", "Physical illness"),
    ("mental_illness", "Gangguan kesehatan jiwa", "Mental illness"),
    ("deported", "Dideportasi atau dipulangkan paksa", "Deported or repatriated"),
    ("job_fraud", "Penipuan lowongan kerja", "Job fraud"),
    ("trafficking", "Indikasi TPPO (perdagangan orang)", "Trafficking indication (TPPO)"),
    ("pregnant_or_child", "Hamil atau memiliki anak", "Pregnant or has a child"),
    ("social_security_claim", "Klaim jaminan sosial", "Social-security claim"),
    ("lost_contact", "Hilang kontak", "Lost contact"),
    ("work_not_as_contracted", "Pekerjaan tidak sesuai perjanjian", "Work not as contracted"),
    ("physical_abuse", "Penganiayaan", "Physical abuse"),
    ("sexual_violence", "Pelecehan atau kekerasan seksual", "Sexual harassment or violence"),
    ("work_accident", "Kecelakaan kerja", "Work accident"),
    ("legal_problems", "Masalah hukum", "Legal problems"),
    ("unilateral_termination", "PHK sepihak", "Unilateral termination"),
    ("documents_confiscated", "Dokumen ditahan majikan atau agen", "Documents confiscated"),
    ("overcharging", "Biaya penempatan berlebih", "Overcharging"),
    ("undocumented_overstay", "Tidak berdokumen atau overstay", "Undocumented or overstay"),
    ("rejected_by_family", "Ditolak keluarga", "Rejected by family"),
    ("other", "Lainnya", "Other"),
]


def add_problems(apps, schema_editor):
    Problem = apps.get_model("participants", "Problem")
    for position, (code, name, name_en) in enumerate(PROBLEMS, start=1):
        Problem.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(add_problems, migrations.RunPython.noop)]
