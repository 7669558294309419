import pytest

from groupbuy.snap.recognition.text_match import (
    NameMatch,
    ProductNameIndex,
    normalise,
    tokens,
)
from groupbuy.snap.tests.imaging import CATALOG


@pytest.fixture(scope="module")
def index() -> ProductNameIndex:
    return ProductNameIndex.build(CATALOG, version="2026-11-21T10:00:00Z")


def best(matches: list[NameMatch]) -> str | None:
    return matches[0].product_public_id if matches else None


def test_matches_a_chinese_name_split_across_label_lines(index):
    # when
    matches = index.match(["农夫山泉", "饮用天然水", "净含量：550ml"])

    # then the 550 ml bottle wins over the 1.5 L one with the same name
    assert [match.product_public_id for match in matches] == [
        "prod_nongfu550",
        "prod_nongfu1500",
    ]
    assert matches[0].matched_text == "农夫山泉 饮用天然水 550ml"
    assert matches[0].score > matches[1].score + 0.05


def test_matches_an_english_label(index):
    matches = index.match(["Coca-Cola", "Zero Sugar", "330ml can"])

    assert best(matches) == "prod_cokezero"
    assert matches[0].matched_text == "Coca-Cola Zero Sugar 330ml"


def test_prefers_the_name_that_says_exactly_what_the_label_says(index):
    matches = index.match(["可口可乐 330ml"])

    assert [match.product_public_id for match in matches[:2]] == [
        "prod_coke",
        "prod_cokezero",
    ]
    assert matches[0].score == 1.0


def test_folds_full_width_characters_and_case(index):
    matches = index.match(["ＣＯＣＡ－ＣＯＬＡ ＣＬＡＳＳＩＣ"])

    assert best(matches) == "prod_coke"


def test_tolerates_an_ocr_slip(index):
    # given "泉" read as "采" and "l" as "1"
    matches = index.match(["农夫山采", "饮用天然水 550m1"])

    assert best(matches) == "prod_nongfu550"


def test_matches_an_alias_and_reports_it(index):
    matches = index.match(["C'estbon", "Purified Water"])

    assert best(matches) == "prod_yibao"
    assert matches[0].matched_text == "C'estbon Purified Water 555ml"


def test_returns_one_entry_per_product(index):
    matches = index.match(["农夫山泉天然水 550毫升 Nongfu Spring"])

    ids = [match.product_public_id for match in matches]
    assert ids.count("prod_nongfu550") == 1


@pytest.mark.parametrize("lines", [["hello world"], ["550ml"], [], ["  "]])
def test_unrelated_or_empty_text_matches_nothing(index, lines):
    assert index.match(lines) == []


def test_keeps_the_version_stamp(index):
    assert index.version == "2026-11-21T10:00:00Z"
    assert len(index) == 15  # names and aliases


def test_normalise_folds_width_case_and_units():
    assert normalise("５５０ ｍｌ") == "550ml"
    assert normalise("农夫山泉  550毫升") == "农夫山泉 550ml"
    assert normalise("1.5 升 Coca-COLA") == "1.5l coca-cola"
    assert normalise("净含量：500克") == "净含量:500g"


def test_tokens_cut_chinese_with_jieba_and_bigrams():
    assert tokens("农夫山泉 550ml") == [
        "农夫",
        "山泉",
        "农夫山泉",
        "夫山",
        "550ml",
    ]
    assert tokens("coca-cola zero") == ["coca", "cola", "zero"]


# How fast the index builds and answers is measured in
# benchmarks/snap_text_match.py, not here.
def test_finds_the_product_among_thousands_with_overlapping_names():
    # given 3000 products with overlapping names
    brands = ["农夫山泉", "怡宝", "康师傅", "统一", "娃哈哈", "可口可乐"]
    kinds = ["饮用水", "绿茶", "冰红茶", "果汁", "方便面", "饼干"]
    entries = [
        (
            f"prod_{number:05d}",
            [f"{brands[number % 6]} {kinds[number // 6 % 6]} {number}ml"],
        )
        for number in range(3000)
    ]

    # when
    matches = ProductNameIndex.build(entries, version="v1").match(
        ["康师傅", "冰红茶 1238ml"]
    )

    # then
    assert best(matches) == "prod_01238"


def test_finds_the_name_on_a_photo_full_of_text(index):
    # given sixty lines of an ingredient list around the name
    filler = [
        f"配料 {number} 水 天然 矿物质 含量 Water content {number}"
        for number in range(58)
    ]
    lines = [*filler[:30], "可口可乐 零度", "330ml", *filler[30:]]

    # when
    matches = index.match(lines)

    # then
    assert best(matches) == "prod_cokezero"


# --- Names in both scripts (issue 15, item 6) ---------------------------------------


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("農夫山泉 飲用天然水", "农夫山泉 饮用天然水"),
        ("統一 冰紅茶 檸檬味", "统一 冰红茶 柠檬味"),
        ("鮮奶", "鲜奶"),
    ],
)
def test_traditional_and_simplified_fold_to_one_spelling(traditional, simplified):
    assert normalise(traditional) == normalise(simplified) == simplified


def test_full_width_forms_fold_to_half_width():
    assert normalise("ＵＣＣ　咖啡　５００ｍｌ") == normalise("UCC 咖啡 500ml")
    assert normalise("（無糖）") == "(无糖)"


def test_a_traditional_label_matches_a_simplified_name(index):
    # given a label printed in Traditional characters and full-width digits
    lines = ["農夫山泉", "飲用天然水", "淨含量：５５０ｍｌ"]
    # when
    matches = index.match(lines)
    # then it finds the product named in Simplified, as the Simplified label does
    assert best(matches) == "prod_nongfu550"
    assert best(matches) == best(
        index.match(["农夫山泉", "饮用天然水", "净含量：550ml"])
    )
