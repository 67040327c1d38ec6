# The outbox as it moved out of the exchange app (exchange 0005 copies its rows here).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(db_index=True, max_length=50, verbose_name='kind')),
                ('about_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='about')),
                ('recipient', models.EmailField(max_length=254, verbose_name='recipient')),
                ('recipient_name', models.CharField(blank=True, max_length=200, verbose_name="recipient's name")),
                ('language', models.CharField(choices=[('fi', 'Finnish'), ('sv', 'Swedish')], max_length=2, verbose_name='language')),
                ('dedupe_key', models.CharField(max_length=200, unique=True, verbose_name='deduplication key')),
                ('subject', models.CharField(max_length=300, verbose_name='subject')),
                ('body_text', models.TextField(verbose_name='text')),
                ('body_html', models.TextField(blank=True, verbose_name='HTML')),
                ('calendar', models.TextField(blank=True, verbose_name='calendar event')),
                ('status', models.CharField(choices=[('pending', 'waiting'), ('sent', 'sent'), ('failed', 'failed')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                ('about_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='about')),
            ],
            options={
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='mail_notifi_status_8a7d2b_idx'), models.Index(condition=models.Q(('status', 'pending')), fields=['next_attempt_at'], name='mail_notification_due'), models.Index(fields=['about_type', 'about_id'], name='mail_notification_about')],
            },
        ),
    ]
