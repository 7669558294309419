# The pooling migrations 0001_initial to 0008_cart_products in one, generated from the
# models as they are after 0008_cart_products: a new database applies 16 operations
# instead of the chain's many (Django re-renders the project's models after
# each one, which made up most of every fresh migrate's time). A database that
# applied the chain, all or part, keeps using it. The old files stay until
# every installation has migrated past them.
# 0008's backfill (linking reported carts to their products) is left out: a
# new database has no carts to link.

import django.db.models.deletion
import groupbuy.core.ids
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('pooling', '0001_initial'),
        ('pooling', '0002_contact_requests'),
        ('pooling', '0003_verbose_names'),
        ('pooling', '0004_request_location'),
        ('pooling', '0005_contact_messages'),
        ('pooling', '0006_request_items'),
        ('pooling', '0007_invitations'),
        ('pooling', '0008_cart_products'),
    ]

    dependencies = [
        ('catalog', '0006_staff_invitation_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CartReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='cart')),
                ('kind', models.CharField(choices=[('purchase', 'Purchase'), ('intended', 'Intended cart')], max_length=10)),
                ('amount_fen', models.PositiveIntegerField()),
                ('items', models.JSONField(blank=True, default=list)),
                ('window_start_at', models.DateTimeField()),
                ('window_end_at', models.DateTimeField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.branch')),
                ('products', models.ManyToManyField(blank=True, related_name='+', to='catalog.product')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'cart report',
                'verbose_name_plural': 'cart reports',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ContactRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='cont')),
                ('state', models.CharField(choices=[('pending', 'Waiting for an answer'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='pending', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('cart', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pooling.cartreport')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('requester', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'contact request',
                'verbose_name_plural': 'contact requests',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ContactMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.CharField(max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='cmsg')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='pooling.contactrequest')),
            ],
            options={
                'verbose_name': 'contact message',
                'verbose_name_plural': 'contact messages',
                'ordering': ['created_at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Pool',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='pool')),
                ('state', models.CharField(choices=[('proposed', 'Waiting for answers'), ('confirmed', 'Confirmed'), ('dissolved', 'Dissolved')], db_index=True, default='proposed', max_length=10)),
                ('amount_fen', models.PositiveIntegerField()),
                ('threshold_fen', models.PositiveIntegerField()),
                ('saving_fen', models.PositiveIntegerField()),
                ('answer_by', models.DateTimeField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.branch')),
            ],
            options={
                'verbose_name': 'pool',
                'verbose_name_plural': 'pools',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ChatMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.CharField(max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='msg')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('pool', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='pooling.pool')),
            ],
            options={
                'verbose_name': 'chat message',
                'verbose_name_plural': 'chat messages',
                'ordering': ['created_at', 'id'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='PoolingProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('max_group_size', models.PositiveSmallIntegerField(default=4, verbose_name='largest group')),
                ('max_walk_m', models.PositiveIntegerField(default=1000, verbose_name='how far I will walk (m)')),
                ('is_discoverable', models.BooleanField(default=False, verbose_name='others may find me')),
                ('is_invitable', models.BooleanField(default=False, verbose_name='invite me to pools at shops I use')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'pooling profile',
                'verbose_name_plural': 'pooling profiles',
            },
        ),
        migrations.CreateModel(
            name='PoolRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='preq')),
                ('amount_fen', models.PositiveIntegerField()),
                ('items', models.JSONField(blank=True, default=list)),
                ('max_group_size', models.PositiveSmallIntegerField(default=4)),
                ('window_start_at', models.DateTimeField()),
                ('window_end_at', models.DateTimeField()),
                ('deadline_at', models.DateTimeField()),
                ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='my latitude')),
                ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='my longitude')),
                ('state', models.CharField(choices=[('open', 'Looking for a pool'), ('suggested', 'Pool suggested'), ('pooled', 'Pooled'), ('withdrawn', 'Withdrawn'), ('expired', 'Expired')], db_index=True, default='open', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.branch')),
                ('cart', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pooling.cartreport')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'pool request',
                'verbose_name_plural': 'pool requests',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='PoolMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount_fen', models.PositiveIntegerField()),
                ('share_fen', models.PositiveIntegerField()),
                ('answer', models.CharField(choices=[('pending', 'Not answered'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('timed_out', 'Did not answer')], default='pending', max_length=10)),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('shares_phone', models.BooleanField(default=False)),
                ('pool', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='pooling.pool')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='pooling.poolrequest')),
            ],
            options={
                'verbose_name': 'pool member',
                'verbose_name_plural': 'pool members',
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='Promotion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='promo')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('kind', models.CharField(choices=[('threshold', 'Spend and save'), ('n_for_m', 'Buy n, pay m'), ('second_item', 'Second item discounted')], max_length=20)),
                ('tiers', models.JSONField(blank=True, default=list)),
                ('buy_n', models.PositiveSmallIntegerField(default=0)),
                ('pay_m', models.PositiveSmallIntegerField(default=0)),
                ('second_item_percent', models.PositiveSmallIntegerField(default=100)),
                ('starts_at', models.DateTimeField()),
                ('ends_at', models.DateTimeField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('branch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='promotions', to='catalog.branch')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='promotions', to='catalog.merchant')),
                ('products', models.ManyToManyField(blank=True, related_name='+', to='catalog.product')),
            ],
            options={
                'verbose_name': 'promotion',
                'verbose_name_plural': 'promotions',
                'ordering': ['-starts_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='poolrequest',
            name='promotion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='requests', to='pooling.promotion'),
        ),
        migrations.CreateModel(
            name='PoolInvitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='pinv')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.branch')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='pooling.poolrequest')),
                ('promotion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pooling.promotion')),
            ],
            options={
                'verbose_name': 'pool invitation',
                'verbose_name_plural': 'pool invitations',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='pool',
            name='promotion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pools', to='pooling.promotion'),
        ),
        migrations.AddConstraint(
            model_name='contactrequest',
            constraint=models.UniqueConstraint(fields=('requester', 'cart'), name='one_contact_request_per_cart'),
        ),
        migrations.AddConstraint(
            model_name='poolmember',
            constraint=models.UniqueConstraint(fields=('pool', 'user'), name='one_seat_per_pool'),
        ),
        migrations.AddConstraint(
            model_name='poolinvitation',
            constraint=models.UniqueConstraint(fields=('user', 'promotion', 'branch'), name='one_pool_invitation_per_promotion_and_branch'),
        ),
    ]
