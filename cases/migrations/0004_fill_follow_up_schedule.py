from django.db import migrations

# Every case gets its schedule: the intake date is the day it opened (in the office's
# time zone), and each of the visits at 1, 3, 6 and 12 months is due that many
# calendar months later (PostgreSQL's month arithmetic keeps the day or takes the
# month's last). Visits recorded before keep their row and get the due date.
FILL = """
UPDATE cases_case SET intake_date = (opened_at AT TIME ZONE 'Asia/Jakarta')::date;
UPDATE cases_followup f SET due_on = (c.intake_date + make_interval(months => f.month))::date
  FROM cases_case c WHERE c.id = f.case_id;
UPDATE cases_followupevent e SET due_on = (c.intake_date + make_interval(months => e.month))::date
  FROM cases_case c WHERE c.id = e.case_id AND e.due_on IS NULL;
INSERT INTO cases_followup (case_id, month, due_on, summary)
SELECT c.id, m.month, (c.intake_date + make_interval(months => m.month))::date, ''
  FROM cases_case c CROSS JOIN (VALUES (1), (3), (6), (12)) AS m(month)
 WHERE NOT EXISTS (SELECT 1 FROM cases_followup f WHERE f.case_id = c.id AND f.month = m.month);
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_follow_up_schedule_and_outcomes")]

    operations = [migrations.RunSQL(FILL, migrations.RunSQL.noop)]
