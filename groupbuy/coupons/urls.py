from django.urls import path

from groupbuy.coupons import views

app_name = "coupons"

urlpatterns = [
    path("", views.coupon_list, name="list"),
    # Before the coupon pages: "merchant" would otherwise be read as a coupon.
    path("merchant/", views.merchant_home, name="merchant_home"),
    path("<str:coupon_id>/", views.coupon_detail, name="detail"),
    path("<str:coupon_id>/refund/", views.coupon_refund, name="refund"),
    path("<str:coupon_id>/code.png", views.coupon_png, name="png"),
    path("<str:coupon_id>/coupon.pdf", views.coupon_pdf, name="pdf"),
    path(
        "merchant/<str:merchant_id>/", views.merchant_console, name="merchant_console"
    ),
    path(
        "merchant/<str:merchant_id>/redeem/",
        views.merchant_redeem,
        name="merchant_redeem",
    ),
    path(
        "merchant/<str:merchant_id>/batches/",
        views.merchant_batch_upload,
        name="merchant_batch_upload",
    ),
    path(
        "merchant/<str:merchant_id>/branches/<str:branch_id>/offline/",
        views.merchant_branch_offline,
        name="merchant_branch_offline",
    ),
    path(
        "merchant/<str:merchant_id>/conflicts/",
        views.merchant_conflicts,
        name="merchant_conflicts",
    ),
    path(
        "merchant/<str:merchant_id>/statement/",
        views.merchant_statement,
        name="merchant_statement",
    ),
    path(
        "merchant/<str:merchant_id>/deals/<str:deal_id>/terms/",
        views.merchant_deal_terms,
        name="merchant_deal_terms",
    ),
    path(
        "merchant/<str:merchant_id>/coupons/<str:coupon_id>/refund/",
        views.merchant_coupon_refund,
        name="merchant_coupon_refund",
    ),
    path(
        "merchant/<str:merchant_id>/key-file/",
        views.merchant_key_file,
        name="merchant_key_file",
    ),
]
