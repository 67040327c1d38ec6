# The personal data page moves to the privacy app (privacy 0001 carries its permissions).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0005_coordinator_privacy_permissions'),
    ]

    operations = [
        migrations.DeleteModel(
            name='PersonalData',
        ),
    ]
