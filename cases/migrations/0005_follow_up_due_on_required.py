from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_fill_follow_up_schedule")]

    operations = [
        migrations.AlterField(
            model_name="followup", name="due_on", field=models.DateField(verbose_name="due on")
        ),
        migrations.AlterField(
            model_name="followupevent",
            name="due_on",
            field=models.DateField(verbose_name="due on"),
        ),
    ]
