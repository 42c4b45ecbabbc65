"""Each sale line records the approved statement that counted it (DOMAIN.md §6.3).

Existing approved and paid statements counted, by the old rule, the lines of their month
reported up to their approval, and their late components' lines; the backfill records that.
"""

import django.db.models.deletion
from django.db import migrations, models

from portal.periods import Month


def backfill(apps, schema_editor):
    SaleLine = apps.get_model("commissions", "SaleLine")
    Statement = apps.get_model("commissions", "CommissionStatement")
    Component = apps.get_model("commissions", "StatementComponent")
    locked = Statement.objects.filter(status__in=["approved", "paid"]).exclude(
        approved_at__isnull=True
    )
    for statement in locked.iterator():
        start, end = Month.of(statement.period).bounds()
        SaleLine.objects.filter(
            dealer_id=statement.dealer_id,
            sold_at__gte=start,
            sold_at__lt=end,
            reported_at__lte=statement.approved_at,
            counted_in__isnull=True,
        ).update(counted_in=statement.pk)
    late = Component.objects.filter(kind="late", statement__status__in=["approved", "paid"])
    for line_id, statement_id in late.values_list("sale_line_id", "statement_id").iterator():
        SaleLine.objects.filter(pk=line_id).update(counted_in=statement_id)


class Migration(migrations.Migration):

    dependencies = [
        ('commissions', '0005_saleline_product_in_dealers'),
    ]

    operations = [
        migrations.AddField(
            model_name='saleline',
            name='counted_in',
            field=models.ForeignKey(blank=True, help_text="The approved statement that counted this line, in its month's figures or as a late line; empty until one is approved.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='counted_lines', to='commissions.commissionstatement', verbose_name='counted in'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
