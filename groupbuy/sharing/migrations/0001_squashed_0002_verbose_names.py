# The sharing migrations 0001_initial to 0002_verbose_names in one, generated from the
# models as they are after 0002_verbose_names: a new database applies 11 operations
# instead of the chain's many (Django re-renders the project's models after
# each one, which made up most of every fresh migrate's time). A database that
# applied the chain, all or part, keeps using it. The old files stay until
# every installation has migrated past them.

import django.db.models.deletion
import groupbuy.core.ids
import groupbuy.sharing.voice
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('sharing', '0001_initial'),
        ('sharing', '0002_verbose_names'),
    ]

    dependencies = [
        ('catalog', '0006_staff_invitation_names'),
        ('deals', '0010_order_deal_newest_with_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ContactBook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='book', verbose_name='number')),
                ('source', models.CharField(max_length=20, verbose_name='source')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('expires_at', models.DateTimeField(db_index=True, verbose_name='expires at')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sharing_contact_books', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'contact book',
                'verbose_name_plural': 'contact books',
            },
        ),
        migrations.CreateModel(
            name='ContactEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, max_length=120)),
                ('phone_hash', models.CharField(max_length=64)),
                ('book', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='sharing.contactbook')),
                ('member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'contact',
                'verbose_name_plural': 'contacts',
            },
        ),
        migrations.CreateModel(
            name='MemberPhoneHash',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone_hash', models.CharField(db_index=True, max_length=64)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='sharing_phone_hash', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'member phone hash',
                'verbose_name_plural': 'member phone hashes',
            },
        ),
        migrations.CreateModel(
            name='PushSubscription',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('endpoint', models.URLField(max_length=1000, unique=True)),
                ('p256dh', models.CharField(max_length=200)),
                ('auth', models.CharField(max_length=100)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sharing_push_subscriptions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'push subscription',
                'verbose_name_plural': 'push subscriptions',
            },
        ),
        migrations.CreateModel(
            name='ShareLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=12, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('deal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='deals.deal')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='catalog.product')),
            ],
            options={
                'verbose_name': 'share link',
                'verbose_name_plural': 'share links',
            },
        ),
        migrations.CreateModel(
            name='Share',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='shr', verbose_name='number')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('voice_note', models.FileField(blank=True, storage=groupbuy.sharing.voice.PrivateStorage(), upload_to=groupbuy.sharing.voice.voice_note_path, verbose_name='voice note')),
                ('voice_note_type', models.CharField(blank=True, max_length=20, verbose_name='voice note type')),
                ('created_at', models.DateTimeField(db_index=True, verbose_name='created at')),
                ('last_activity_at', models.DateTimeField(db_index=True, verbose_name='last activity at')),
                ('deal', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='deals.deal', verbose_name='group buy')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='catalog.product', verbose_name='product')),
                ('sender', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sharing_sent', to=settings.AUTH_USER_MODEL, verbose_name='sender')),
                ('link', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='sharing.sharelink', verbose_name='link')),
            ],
            options={
                'verbose_name': 'share',
                'verbose_name_plural': 'shares',
                'ordering': ['-last_activity_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Participant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('sender', 'Sender'), ('recipient', 'Recipient')], max_length=10, verbose_name='role')),
                ('address_hash', models.CharField(blank=True, db_index=True, max_length=64, verbose_name='address hash')),
                ('label', models.CharField(blank=True, max_length=120, verbose_name='label')),
                ('last_read_at', models.DateTimeField(blank=True, null=True, verbose_name='last read at')),
                ('joined_at', models.DateTimeField(verbose_name='joined at')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sharing_participations', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('share', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='sharing.share', verbose_name='share')),
            ],
            options={
                'verbose_name': 'share participant',
                'verbose_name_plural': 'share participants',
                'constraints': [models.UniqueConstraint(fields=('share', 'user'), name='sharing_participant_once')],
            },
        ),
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='msg', verbose_name='number')),
                ('body', models.TextField(verbose_name='text')),
                ('client_key', models.CharField(blank=True, max_length=64, verbose_name='client key')),
                ('created_at', models.DateTimeField(db_index=True, verbose_name='created at')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('product', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='catalog.product', verbose_name='product')),
                ('share', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='sharing.share', verbose_name='share')),
            ],
            options={
                'verbose_name': 'reply',
                'verbose_name_plural': 'replies',
                'ordering': ['created_at', 'pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('client_key', ''), _negated=True), fields=('share', 'author', 'client_key'), name='sharing_message_client_key_once')],
            },
        ),
        migrations.AddConstraint(
            model_name='sharelink',
            constraint=models.UniqueConstraint(fields=('product', 'deal'), name='sharing_one_link_per_target'),
        ),
        migrations.AddConstraint(
            model_name='sharelink',
            constraint=models.UniqueConstraint(condition=models.Q(('deal__isnull', True)), fields=('product',), name='sharing_one_link_per_product'),
        ),
    ]
