"""Product search on PostgreSQL at 200,000 products, with and without the
trigram indexes (``catalog.trigram``, migration catalog 0014).

    .venv/bin/python benchmarks/search_trigram.py \\
        [--database-url postgres://postgres@127.0.0.1:5432/gb_search_bench] [--quick]

Makes a throw-away database ``<name>_<random>`` on the given server (the named
database itself is never touched; dropped after) with the tables the search
reads, made from the models, and fills it with generated Chinese product names
(kind + food + size, and a brand, of 40, 95 and 53 words: 201,188 names, each
food in about 2,100 of them; ``--quick``: 20,000), their pinyin keys as
``Product.save()`` writes them, and an alias for one product in ten.

Then it searches as a shopper types, through the catalog search every page
uses (``catalog.selectors.products_matching``, first page of 20): a food's
pinyin ("niunai"), the same cut short ("niun"), a brand and a food as pinyin
("mengniu niunai"), a food's initials ("nn": two letters, which no trigram
serves), a food in Han characters, and a word found nowhere. The baseline, in
the same run, is the same queries on the same rows without the trigram
indexes (B-tree indexes only, as on SQLite); then the indexes are built (the
migration's code) and the queries run again. For one pinyin query it prints
the plan (EXPLAIN ANALYZE) both ways. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gb_search_bench"
PAGE = 20
ROUNDS = 3  # each query runs this many times; the first warms the cache


def _words(text: str) -> list[str]:
    return text.split()


BRANDS = _words(
    "蒙牛 伊利 光明 三元 君乐宝 农夫山泉 康师傅 统一 娃哈哈 今麦郎 白象 五谷道场 "
    "达利园 盼盼 旺旺 徐福记 良品铺子 三只松鼠 百草味 来伊份 稻香村 五芳斋 思念 "
    "湾仔码头 三全 安井 海天 李锦记 老干妈 太太乐 金龙鱼 福临门 鲁花 北大荒 五常 "
    "十月稻田 中粮 雀巢 好丽友 奥利奥 德芙 士力架 可比克 乐事 上好佳 卫龙 王老吉 "
    "加多宝 元气森林 东鹏 香飘飘 喜之郎 老干爹"
)
KINDS = _words(
    "有机 精选 特级 原味 低脂 无糖 全脂 脱脂 鲜榨 冷冻 即食 手工 家庭装 经典 "
    "进口 新鲜 香辣 麻辣 五香 红烧 清蒸 黑糖 蜂蜜 草莓 芒果 香草 巧克力 抹茶 "
    "椰子 柠檬 山楂 红枣 核桃 花生 芝麻 玉米 燕麦 红豆 绿豆 黄豆"
)
FOODS = _words(
    "牛奶 酸奶 奶粉 豆浆 果汁 矿泉水 绿茶 红茶 乌龙茶 咖啡 可乐 啤酒 白酒 "
    "大米 面粉 挂面 方便面 饺子 汤圆 粽子 月饼 包子 馒头 面包 蛋糕 饼干 "
    "薯片 瓜子 花生米 开心果 腰果 杏仁 葡萄干 巧克力 糖果 果冻 冰淇淋 雪糕 "
    "鸡蛋 鸭蛋 鸡腿 牛肉 猪肉 羊肉 鸡翅 香肠 火腿 腊肉 鱼丸 虾仁 海带 紫菜 "
    "香菇 木耳 豆腐 腐竹 粉丝 酱油 醋 食盐 白糖 红糖 蚝油 辣酱 芝麻油 花生油 "
    "玉米油 橄榄油 蜂蜜 果酱 番茄酱 沙拉酱 榨菜 泡菜 咸菜 苹果 香蕉 橙子 "
    "葡萄 西瓜 草莓 猕猴桃 芒果 菠萝 柚子 梨 桃子 樱桃 蓝莓 荔枝 "
    "奶酪 黄油 燕窝 年糕 春卷"
)
SIZES = ("250ml", "500g", "1kg", "6入", "12袋", "礼盒")


def setup_django(data_dir: str, database_url: str) -> None:
    os.environ["GROUPBUY_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.db import connection

    from groupbuy.catalog.models import Category, Merchant, Product, ProductAlias

    # Only the tables the search reads, with the columns and B-tree indexes
    # the migrations leave them: migrating the whole project takes longer
    # than a quick run may.
    with connection.schema_editor() as editor:
        for model in (Category, Merchant, Product, ProductAlias):
            editor.create_model(model)


def generated_names(count: int, seed: int = 20261206) -> list[tuple[str, ...]]:
    """Return ``count`` distinct (kind, food, size, brand), shuffled."""
    combos = [
        (kind, food, brand)
        for brand in BRANDS
        for kind in KINDS
        for food in FOODS
        if kind != food
    ]
    random.Random(seed).shuffle(combos)
    sizes = SIZES * (count // len(SIZES) + 1)
    return [
        (kind, food, size, brand)
        for (kind, food, brand), size in zip(combos[:count], sizes, strict=False)
    ]


def _keys_by_word():
    """Return name_keys of a name made of known words, from each word's keys
    (200,000 names read one by one would take minutes of pypinyin)."""
    from groupbuy.catalog.pinyin import NAME_SEPARATOR, name_keys

    cache: dict[str, tuple[str, str]] = {}

    def keys(word: str) -> tuple[str, str]:
        if word not in cache:
            cache[word] = name_keys(word)
        return cache[word]

    def product_keys(kind: str, food: str, brand: str) -> tuple[str, str]:
        name = [keys(kind), keys(food)]
        pinyin = "".join(p for p, _i in name)
        initials = "".join(i for _p, i in name)
        brand_pinyin, brand_initials = keys(brand)
        return (
            pinyin + NAME_SEPARATOR + brand_pinyin,
            initials + NAME_SEPARATOR + brand_initials,
        )

    return product_keys


def load(count: int) -> float:
    """Insert ``count`` products (and an alias for one in ten); return seconds."""
    from groupbuy.catalog.models import Product, ProductAlias

    started = time.perf_counter()
    product_keys = _keys_by_word()
    rows = []
    for number, (kind, food, size, brand) in enumerate(generated_names(count)):
        pinyin, initials = product_keys(kind, food, brand)
        rows.append(
            Product(
                public_id=f"prd_b{number}",
                name_zh=f"{kind}{food}{size}",
                brand=brand,
                source="generated",
                search_pinyin=pinyin,
                search_initials=initials,
            )
        )
    Product.objects.bulk_create(rows, batch_size=5000)
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True)[::10])
    ProductAlias.objects.bulk_create(
        [ProductAlias(product_id=pk, text=f"货号{pk}") for pk in ids],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


QUERIES = {
    "pinyin": "niunai",
    "pinyin_cut_short": "niun",
    "brand_and_food": "mengniu niunai",
    "initials_2": "nn",
    "han": "牛奶",
    "nowhere": "zzzzqqq",
}


def timed(query: str) -> tuple[int, float]:
    from groupbuy.catalog.selectors import products_matching

    times = []
    for _round in range(ROUNDS):
        started = time.perf_counter()
        found = list(
            products_matching(query=query).values_list("public_id", flat=True)[:PAGE]
        )
        times.append(time.perf_counter() - started)
    return len(found), sorted(times[1:])[len(times[1:]) // 2]


def plan(query: str) -> list[str]:
    from groupbuy.catalog.selectors import products_matching

    page = products_matching(query=query).values_list("public_id", flat=True)[:PAGE]
    return page.explain(analyze=True).splitlines()


def used_indexes(lines: list[str]) -> list[str]:
    return sorted(
        {
            line.split(" on ")[1].split()[0]
            for line in lines
            if "Index Scan on" in line and "trgm" in line
        }
    )


def measure() -> dict:
    return {
        kind: dict(zip(("found", "ms"), timed(query), strict=True))
        for kind, query in QUERIES.items()
    }


def rounded(results: dict) -> dict:
    return {
        kind: {"found": figures["found"], "ms": round(figures["ms"] * 1000, 1)}
        for kind, figures in results.items()
    }


def run(count: int) -> dict:
    from django.db import connection

    from groupbuy.catalog import trigram

    loaded = load(count)
    print(f"{count} products loaded in {loaded:.1f} s")
    without = rounded(measure())
    plan_without = plan(QUERIES["pinyin"])
    started = time.perf_counter()
    built = trigram.indexes_create(connection)
    build_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {len(built)} trigram indexes in {build_seconds:.1f} s")
    with_index = rounded(measure())
    plan_with = plan(QUERIES["pinyin"])
    print("plan without the trigram indexes (niunai):")
    print("\n".join("  " + line for line in plan_without))
    print("plan with them (niunai):")
    print("\n".join("  " + line for line in plan_with))
    for kind in QUERIES:
        print(
            f"{kind:>17}: found {with_index[kind]['found']:>2}, "
            f"{without[kind]['ms']:>8} ms without, {with_index[kind]['ms']:>8} ms with"
        )
    return {
        "products": count,
        "without_index_ms": {k: v["ms"] for k, v in without.items()},
        "with_index_ms": {k: v["ms"] for k, v in with_index.items()},
        "pinyin_speedup": round(
            without["pinyin"]["ms"] / max(with_index["pinyin"]["ms"], 0.01), 1
        ),
        "index_build_s": round(build_seconds, 1),
        "plan_without_uses": used_indexes(plan_without),
        "plan_with_uses": used_indexes(plan_with),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--quick", action="store_true", help="20,000 products")
    parser.add_argument("--products", type=int, default=None)
    args = parser.parse_args(argv)
    count = args.products or (20_000 if args.quick else 200_000)
    import psycopg

    server, base_name = args.database_url.rsplit("/", 1)
    name = f"{base_name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="groupbuy-trigram-") as data_dir:
            setup_django(data_dir, f"{server}/{name}")
            result = run(count)
            from django.db import connections

            connections.close_all()
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
