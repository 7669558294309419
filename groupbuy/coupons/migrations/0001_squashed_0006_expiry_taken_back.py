# The coupons migrations 0001_initial to 0006_expiry_taken_back in one, generated from the
# models as they are after 0006_expiry_taken_back: a new database applies 15 operations
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
        ('coupons', '0001_initial'),
        ('coupons', '0002_expiry'),
        ('coupons', '0003_offline_claims_and_expiry_outcomes'),
        ('coupons', '0004_verbose_names'),
        ('coupons', '0005_offline_claim_names'),
        ('coupons', '0006_expiry_taken_back'),
    ]

    dependencies = [
        ('catalog', '0006_staff_invitation_names'),
        ('deals', '0010_order_deal_newest_with_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BranchSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('offline_enabled', models.BooleanField(default=False, verbose_name='offline redemption allowed')),
                ('branch', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='coupon_settings', to='catalog.branch', verbose_name='branch')),
            ],
            options={
                'verbose_name': 'branch coupon settings',
                'verbose_name_plural': 'branch coupon settings',
            },
        ),
        migrations.CreateModel(
            name='Coupon',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='cpn', verbose_name='number')),
                ('serial', models.CharField(max_length=16, unique=True, verbose_name='serial number')),
                ('quantity', models.PositiveIntegerField(verbose_name='quantity')),
                ('redeemed_quantity', models.PositiveIntegerField(default=0, verbose_name='redeemed')),
                ('unit_price_fen', models.PositiveIntegerField(verbose_name='unit price (fen)')),
                ('status', models.CharField(choices=[('valid', 'Valid'), ('redeemed', 'Redeemed'), ('revoked', 'Revoked'), ('expired', 'Expired')], db_index=True, default='valid', max_length=10, verbose_name='status')),
                ('signed', models.BinaryField(verbose_name='signed payload')),
                ('code', models.TextField(blank=True, verbose_name='code')),
                ('code_digest', models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='code digest')),
                ('not_before', models.DateTimeField(verbose_name='valid from')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('issued_at', models.DateTimeField(auto_now_add=True, verbose_name='issued at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coupons', to='catalog.merchant', verbose_name='merchant')),
                ('order', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='coupon', to='deals.dealorder', verbose_name='order')),
                ('shopper', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coupons', to=settings.AUTH_USER_MODEL, verbose_name='shopper')),
            ],
            options={
                'verbose_name': 'coupon',
                'verbose_name_plural': 'coupons',
                'ordering': ['-issued_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='CouponExpiry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rule', models.CharField(choices=[('refund_shopper', 'Refund the shopper'), ('pay_merchant', 'Pay the merchant')], max_length=20, verbose_name='rule')),
                ('quantity', models.PositiveIntegerField(verbose_name='units')),
                ('amount_fen', models.PositiveIntegerField(verbose_name='amount (fen)')),
                ('settled_at', models.DateTimeField(blank=True, null=True, verbose_name='settled at')),
                ('outcome', models.CharField(choices=[('waiting', 'Waiting to be settled'), ('refunded', 'Refunded to the shopper'), ('taken_back', "Refunded to the shopper, taken back from the merchant's balance"), ('paid_merchant', 'Paid to the merchant'), ('paid_at_close', 'The merchant was paid when the deal closed'), ('nothing_left', 'Nothing left to settle')], default='waiting', max_length=20, verbose_name='outcome')),
                ('last_error', models.CharField(blank=True, max_length=200, verbose_name='last error')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='expired at')),
                ('coupon', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='expiry', to='coupons.coupon', verbose_name='coupon')),
            ],
            options={
                'verbose_name': 'coupon expiry',
                'verbose_name_plural': 'coupon expiries',
            },
        ),
        migrations.CreateModel(
            name='DealCouponTerms',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('expiry_rule', models.CharField(choices=[('refund_shopper', 'Refund the shopper'), ('pay_merchant', 'Pay the merchant')], default='refund_shopper', max_length=20, verbose_name='unredeemed coupons at expiry')),
                ('deal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='coupon_terms', to='deals.deal')),
            ],
            options={
                'verbose_name': 'coupon terms',
                'verbose_name_plural': 'coupon terms',
            },
        ),
        migrations.CreateModel(
            name='MerchantKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='mkey', verbose_name='number')),
                ('public_key', models.BinaryField(max_length=32, verbose_name='sealing public key (X25519)')),
                ('signing_public_key', models.BinaryField(max_length=32, verbose_name='batch signing public key (Ed25519)')),
                ('origin', models.CharField(choices=[('station', "Generated by the merchant's station"), ('platform', 'Generated by the platform, handed over once')], max_length=10, verbose_name='origin')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('device_name', models.CharField(blank=True, max_length=80, verbose_name='device')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='retired at')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coupon_keys', to='catalog.merchant', verbose_name='merchant')),
            ],
            options={
                'verbose_name': 'merchant coupon key',
                'verbose_name_plural': 'merchant keys',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='coupon',
            name='merchant_key',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='coupons.merchantkey', verbose_name='merchant key'),
        ),
        migrations.CreateModel(
            name='PlatformKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_id', models.PositiveIntegerField(unique=True, verbose_name='key id')),
                ('public_key', models.BinaryField(max_length=32, verbose_name='public key')),
                ('sealed_private_key', models.BinaryField(verbose_name='sealed private key')),
                ('state', models.CharField(choices=[('active', 'Signing new coupons'), ('retired', 'Retired: verifies its coupons until they expire'), ('revoked', 'Revoked: verifies nothing')], default='active', max_length=10, verbose_name='state')),
                ('verifies_until', models.DateTimeField(blank=True, null=True, verbose_name='verifies until')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='retired at')),
            ],
            options={
                'verbose_name': 'platform signing key',
                'verbose_name_plural': 'platform keys',
                'ordering': ['-key_id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'active')), fields=('state',), name='coupons_one_active_platform_key')],
            },
        ),
        migrations.AddField(
            model_name='coupon',
            name='platform_key',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='coupons.platformkey', verbose_name='platform key'),
        ),
        migrations.CreateModel(
            name='RedemptionBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='bat', verbose_name='number')),
                ('digest', models.CharField(max_length=64, unique=True, verbose_name='digest')),
                ('device', models.CharField(blank=True, max_length=80, verbose_name='device')),
                ('accepted', models.PositiveIntegerField(default=0, verbose_name='accepted')),
                ('conflicts', models.PositiveIntegerField(default=0, verbose_name='conflicts')),
                ('rejected', models.PositiveIntegerField(default=0, verbose_name='rejected')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coupon_batches', to='catalog.merchant', verbose_name='merchant')),
                ('merchant_key', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='coupons.merchantkey', verbose_name='merchant key')),
                ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
            ],
            options={
                'verbose_name': 'redemption batch',
                'verbose_name_plural': 'redemption batches',
                'ordering': ['-uploaded_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Redemption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', groupbuy.core.ids.PublicIdField(prefix='red', verbose_name='number')),
                ('quantity', models.PositiveIntegerField(verbose_name='quantity')),
                ('amount_fen', models.PositiveIntegerField(verbose_name='amount (fen)')),
                ('channel', models.CharField(choices=[('online', 'Console (online)'), ('offline', 'Station (offline)')], max_length=10, verbose_name='channel')),
                ('cashier_name', models.CharField(blank=True, max_length=80, verbose_name='cashier name')),
                ('nonce', models.CharField(max_length=64, unique=True, verbose_name='nonce')),
                ('redeemed_at', models.DateTimeField(verbose_name='redeemed at')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('settlement_round', models.PositiveIntegerField(default=0, verbose_name='settlement round')),
                ('branch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='catalog.branch', verbose_name='branch')),
                ('cashier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='cashier')),
                ('coupon', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='coupons.coupon', verbose_name='coupon')),
                ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='coupons.redemptionbatch', verbose_name='batch')),
            ],
            options={
                'verbose_name': 'redemption',
                'verbose_name_plural': 'redemptions',
                'ordering': ['-redeemed_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='RedemptionConflict',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nonce', models.CharField(max_length=64, unique=True, verbose_name='nonce')),
                ('quantity', models.PositiveIntegerField(verbose_name='quantity')),
                ('branch_name', models.CharField(blank=True, max_length=120, verbose_name='branch name')),
                ('cashier_name', models.CharField(blank=True, max_length=80, verbose_name='cashier name')),
                ('device', models.CharField(blank=True, max_length=80, verbose_name='device')),
                ('reason', models.CharField(choices=[('already_redeemed', 'Already redeemed'), ('not_enough_left', 'Not enough units left'), ('superseded', 'Superseded by an earlier redemption'), ('expired', 'Coupon expired'), ('revoked', 'Coupon cancelled'), ('paid_out', 'Later redemption already paid out')], max_length=20, verbose_name='reason')),
                ('redeemed_at', models.DateTimeField(verbose_name='redeemed at')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='superseded at')),
                ('settlement_rounds', models.PositiveIntegerField(default=0, verbose_name='settlement rounds')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='coupons.redemptionbatch', verbose_name='batch')),
                ('branch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.branch', verbose_name='branch')),
                ('coupon', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='coupons.coupon', verbose_name='coupon')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.merchant', verbose_name='merchant')),
            ],
            options={
                'verbose_name': 'redemption conflict',
                'verbose_name_plural': 'redemption conflicts',
                'ordering': ['-recorded_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Revocation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('serial', models.CharField(max_length=16)),
                ('reason', models.CharField(max_length=40)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('coupon', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='revocation', to='coupons.coupon')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.merchant')),
            ],
            options={
                'verbose_name': 'revocation',
                'verbose_name_plural': 'revocations',
                'ordering': ['id'],
            },
        ),
        migrations.AddConstraint(
            model_name='merchantkey',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('merchant',), name='coupons_one_active_key_per_merchant'),
        ),
        migrations.AddConstraint(
            model_name='coupon',
            constraint=models.CheckConstraint(condition=models.Q(('redeemed_quantity__lte', models.F('quantity'))), name='coupons_never_over_redeemed'),
        ),
    ]
