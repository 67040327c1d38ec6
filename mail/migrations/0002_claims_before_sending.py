# A message is claimed before it is sent, and one whose outcome went unrecorded is "unknown".

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='claimed for sending'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='status',
            field=models.CharField(choices=[('pending', 'waiting'), ('sending', 'being sent'), ('sent', 'sent'), ('failed', 'failed'), ('unknown', 'outcome unknown')], default='pending', max_length=10, verbose_name='status'),
        ),
    ]
