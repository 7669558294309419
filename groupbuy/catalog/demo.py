"""Demo data for the catalog: fresh produce with photos (idempotent).

The photos are the Grocery Store Dataset's iconic images (MIT, see
docs/data-attribution.md), resized and kept in ``catalog/demo_photos/``. Fresh
produce has no maker's barcode, so each product carries an in-store code
(GS1 restricted circulation, prefix 20), the way supermarkets label loose goods.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from groupbuy.accounts.models import User
from groupbuy.catalog import selectors, services
from groupbuy.catalog.gtin import gtin14, gtin_check_digit
from groupbuy.catalog.models import Category, Merchant, Product

PHOTOS = Path(__file__).resolve().parent / "demo_photos"
PHOTO_SOURCE = (
    "Grocery Store Dataset (Klasson, Zhang, Kjellström, WACV 2019), MIT licence "
    "— https://github.com/marcusklasson/GroceryStoreDataset"
)
CATEGORY = ("fresh-produce", "生鲜果蔬", "Fresh Produce", "food-drink")
# Each product's kind, a subcategory of fresh produce. The slugs are the shipped
# category model's (groupbuy/snap/recognition/data/README.md): a shop photo of
# bananas, which no single studio photo matches feature by feature, is still
# answered "It looks like bananas" with their group buys.
KINDS = {
    "apple": ("苹果", "Apples"),
    "avocado": ("牛油果", "Avocados"),
    "banana": ("香蕉", "Bananas"),
    "carrots": ("胡萝卜", "Carrots"),
    "cucumber": ("黄瓜", "Cucumbers"),
    "ginger": ("姜", "Ginger"),
    "kiwi": ("猕猴桃", "Kiwi fruit"),
    "mango": ("芒果", "Mangoes"),
    "melon": ("瓜类", "Melons"),
    "mushroom": ("蘑菇", "Mushrooms"),
    "orange": ("橙子", "Oranges"),
    "pepper": ("甜椒", "Peppers"),
    "pineapple": ("菠萝", "Pineapples"),
    "tomato": ("番茄", "Tomatoes"),
}


@dataclass(frozen=True)
class DemoProduce:
    photo: str  # file name in demo_photos/, without .jpg
    item: int  # the in-store item number inside the code
    name_zh: str
    name_en: str
    spec: str
    price_fen: int
    kind: str  # its subcategory, a key of KINDS
    aliases: tuple[str, ...] = ()

    @property
    def gtin(self) -> str:
        body = f"20{self.item:010d}"
        return body + str(gtin_check_digit(body))


PRODUCE = (
    DemoProduce(
        "banana", 101, "海南香蕉", "Bananas", "1 kg", 890, "banana", ("香蕉", "banana")
    ),
    DemoProduce(
        "golden-delicious-apple",
        102,
        "金冠苹果",
        "Golden Delicious apples",
        "1 kg",
        1290,
        "apple",
        ("苹果", "黄元帅"),
    ),
    DemoProduce("kiwi", 103, "猕猴桃", "Kiwi fruit", "6 个", 1590, "kiwi", ("奇异果",)),
    DemoProduce("mango", 104, "台农芒果", "Mangoes", "1 kg", 1990, "mango", ("芒果",)),
    DemoProduce(
        "orange", 105, "赣南脐橙", "Navel oranges", "1 kg", 1190, "orange", ("橙子",)
    ),
    DemoProduce(
        "pineapple", 106, "菠萝", "Pineapple", "1 个", 1290, "pineapple", ("凤梨",)
    ),
    DemoProduce(
        "watermelon", 107, "麒麟西瓜", "Watermelon", "1 个 约 4 kg", 2990, "melon"
    ),
    DemoProduce(
        "avocado", 108, "牛油果", "Avocados", "4 个", 2290, "avocado", ("鳄梨",)
    ),
    DemoProduce("carrots", 109, "胡萝卜", "Carrots", "1 kg", 490, "carrots"),
    DemoProduce("cucumber", 110, "黄瓜", "Cucumbers", "500 g", 390, "cucumber"),
    DemoProduce(
        "vine-tomato",
        111,
        "串收番茄",
        "Vine tomatoes",
        "500 g",
        690,
        "tomato",
        ("西红柿",),
    ),
    DemoProduce(
        "red-bell-pepper", 112, "红甜椒", "Red bell peppers", "500 g", 890, "pepper"
    ),
    DemoProduce(
        "brown-cap-mushroom",
        113,
        "褐蘑菇",
        "Brown cap mushrooms",
        "250 g",
        790,
        "mushroom",
        ("蘑菇",),
    ),
    DemoProduce("ginger", 114, "生姜", "Ginger", "250 g", 390, "ginger", ("姜",)),
)


def produce_by_photo(photo: str) -> Product:
    """Return the demo product whose photo is ``photo`` (after loading)."""
    spec = next(item for item in PRODUCE if item.photo == photo)
    return Product.objects.get(gtin14=gtin14(spec.gtin))


def load_demo_data(*, stdout) -> None:
    from groupbuy.demo_data import MERCHANT_NAME, OPERATOR

    operator = User.objects.filter(phone=OPERATOR.phone).first()
    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    if operator is None or merchant is None:
        return
    with transaction.atomic():
        kinds = _ensure_kinds(operator, parent=_ensure_category(operator))
        added = sum(
            _ensure_produce(
                item, operator=operator, merchant=merchant, category=kinds[item.kind]
            )
            for item in PRODUCE
        )
    if added:
        stdout.write(f"catalog: {added} fresh products with photos\n")


def _ensure_category(operator: User) -> Category:
    slug, name_zh, name_en, parent_slug = CATEGORY
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        category = services.category_create(
            actor=operator,
            slug=slug,
            name_zh=name_zh,
            name_en=name_en,
            parent=Category.objects.filter(slug=parent_slug).first(),
        )
    return category


def _ensure_kinds(operator: User, *, parent: Category) -> dict[str, Category]:
    kinds = {c.slug: c for c in Category.objects.filter(slug__in=list(KINDS))}
    for slug, (name_zh, name_en) in KINDS.items():
        if slug not in kinds:
            kinds[slug] = services.category_create(
                actor=operator,
                slug=slug,
                name_zh=name_zh,
                name_en=name_en,
                parent=parent,
            )
    return kinds


def _ensure_produce(
    item: DemoProduce, *, operator: User, merchant: Merchant, category: Category
) -> bool:
    product = Product.objects.filter(gtin14=gtin14(item.gtin)).first()
    created = product is None
    if created:
        product = services.product_create(
            actor=operator,
            gtin=item.gtin,
            name_zh=item.name_zh,
            name_en=item.name_en,
            spec=item.spec,
            category=category,
            source=PHOTO_SOURCE,
            aliases=list(item.aliases),
        )
    elif product.category_id == category.parent_id:
        # A demo loaded before the kinds existed filed it under fresh produce.
        services.product_update(actor=operator, product=product, category=category)
    # The photo is also a recognition reference, so the demo's snap answers a
    # photo of the product's picture (say, on another screen) by appearance, as
    # it would for a shop that has its products' photos on file.
    image = product.images.filter(is_primary=True).first()
    if image is None:
        photo = PHOTOS / f"{item.photo}.jpg"
        services.product_image_add(
            actor=operator,
            product=product,
            upload=ContentFile(photo.read_bytes(), name=photo.name),
            is_primary=True,
            is_reference=True,
        )
    elif not image.is_reference:
        services.product_image_update(actor=operator, image=image, is_reference=True)
    if selectors.listing_for(merchant=merchant, product=product) is None:
        services.listing_create(
            actor=operator, merchant=merchant, product=product, price_fen=item.price_fen
        )
    return created
