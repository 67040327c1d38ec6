# A message may be written without its text, which the worker that sends it draws.


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0002_claims_before_sending'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='draw_from',
            field=models.JSONField(blank=True, db_default={}, default=dict, editable=False, verbose_name='what the message is drawn from'),
        ),
    ]
