# The teams migrations 0001_initial to 0003_verbose_names in one, generated from the
# models as they are after 0003_verbose_names: a new database applies 10 operations
# instead of the chain's many (Django re-renders the project's models after
# each one, which made up most of every fresh migrate's time). A database that
# applied the chain, all or part, keeps using it. The old files stay until
# every installation has migrated past them.

import django.db.models.deletion
import groupbuy.core.ids
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('teams', '0001_initial'),
        ('teams', '0002_team_stopped_and_live_membership'),
        ('teams', '0003_verbose_names'),
    ]

    dependencies = [
        ('deals', '0010_order_deal_newest_with_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TeamDeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('team_size', models.PositiveSmallIntegerField(verbose_name='team size')),
                ('window_hours', models.PositiveSmallIntegerField(verbose_name='team window (hours)')),
                ('team_price_fen', models.PositiveIntegerField(verbose_name='team price (fen)')),
                ('solo_price_fen', models.PositiveIntegerField(verbose_name='solo price (fen)')),
                ('limit_per_shopper', models.PositiveSmallIntegerField(default=1, verbose_name='teams per shopper')),
                ('stock', models.PositiveIntegerField(verbose_name='stock shared by all teams')),
                ('sold', models.PositiveIntegerField(default=0, verbose_name='units reserved')),
                ('ends_at', models.DateTimeField(verbose_name='team buying ends')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('deal', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='team_settings', to='deals.deal')),
            ],
            options={
                'verbose_name': 'team buy settings',
                'verbose_name_plural': 'team buy settings',
            },
        ),
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='team')),
                ('size', models.PositiveSmallIntegerField(verbose_name='size')),
                ('price_fen', models.PositiveIntegerField(verbose_name='price per member (fen)')),
                ('member_count', models.PositiveSmallIntegerField(default=0)),
                ('state', models.CharField(choices=[('open', 'Open'), ('complete', 'Complete'), ('expired', 'Expired'), ('stopped', 'Stopped')], db_index=True, default='open', max_length=10)),
                ('opened_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('completed_at', models.DateTimeField(blank=True, null=True)),
                ('expired_at', models.DateTimeField(blank=True, null=True)),
                ('opener', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team_deal', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='teams', to='teams.teamdeal')),
            ],
            options={
                'verbose_name': 'team',
                'verbose_name_plural': 'teams',
                'ordering': ['expires_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='TeamMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Awaiting payment'), ('paid', 'Paid'), ('confirmed', 'Confirmed'), ('refunded', 'Refunded'), ('cancelled', 'Cancelled')], db_index=True, default='pending', max_length=10)),
                ('is_opener', models.BooleanField(default=False)),
                ('joined_at', models.DateTimeField()),
                ('paid_at', models.DateTimeField(blank=True, null=True)),
                ('order', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='team_member', to='deals.dealorder')),
                ('shopper', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='members', to='teams.team')),
            ],
            options={
                'verbose_name': 'team member',
                'verbose_name_plural': 'team members',
                'ordering': ['joined_at', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='teamdeal',
            constraint=models.CheckConstraint(condition=models.Q(('sold__lte', models.F('stock'))), name='teams_never_oversold'),
        ),
        migrations.AddConstraint(
            model_name='teamdeal',
            constraint=models.CheckConstraint(condition=models.Q(('team_size__gte', 2), ('team_size__lte', 10)), name='teams_size_2_to_10'),
        ),
        migrations.AddConstraint(
            model_name='teamdeal',
            constraint=models.CheckConstraint(condition=models.Q(('team_price_fen__lte', models.F('solo_price_fen')), ('team_price_fen__gte', 1)), name='teams_team_price_at_most_solo'),
        ),
        migrations.AddIndex(
            model_name='team',
            index=models.Index(fields=['team_deal', 'state', 'expires_at'], name='teams_team_team_de_e4512d_idx'),
        ),
        migrations.AddConstraint(
            model_name='team',
            constraint=models.CheckConstraint(condition=models.Q(('member_count__lte', models.F('size'))), name='teams_never_overfilled'),
        ),
        migrations.AddConstraint(
            model_name='teammember',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'paid', 'confirmed'])), fields=('team', 'shopper'), name='teams_one_live_membership_per_team'),
        ),
    ]
