from decimal import Decimal

from django.db import migrations

# The tax-free kilometre allowance for one's own car (Verohallinto), euros per km.
KM_RATES = {2024: Decimal("0.57"), 2025: Decimal("0.59"), 2026: Decimal("0.55")}


def seed(apps, schema_editor):
    YearSettings = apps.get_model("feedback", "YearSettings")
    for year, rate in KM_RATES.items():
        YearSettings.objects.get_or_create(year=year, defaults={"km_rate": rate})


def unseed(apps, schema_editor):
    YearSettings = apps.get_model("feedback", "YearSettings")
    YearSettings.objects.filter(year__in=KM_RATES, budget__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
