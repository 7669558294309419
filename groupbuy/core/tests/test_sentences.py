"""Sentences said one after another, as each language writes them."""

from django.utils import translation

from groupbuy.core.i18n import join_sentences, label_colon


def test_english_sentences_are_one_space_apart():
    assert join_sentences(["2 invitations were not sent.", "Try again later."]) == (
        "2 invitations were not sent. Try again later."
    )


def test_a_chinese_sentence_is_followed_by_no_space():
    # (a space after 。 shows as a gap in the middle of the line)
    assert join_sentences(["2 个邀请未发送。", "请稍后再试！", "好吗？", "OK."]) == (
        "2 个邀请未发送。请稍后再试！好吗？OK."
    )


def test_an_untranslated_sentence_in_a_chinese_page_keeps_its_space():
    with translation.override("zh-hans"):
        assert join_sentences(["Not translated yet.", "请稍后再试。"]) == (
            "Not translated yet. 请稍后再试。"
        )


def test_empty_sentences_leave_no_gap():
    assert join_sentences(["", "Sent.", "", "Thanks."]) == "Sent. Thanks."
    assert join_sentences([]) == ""


def test_a_label_is_followed_by_its_languages_colon():
    # (an ASCII ": " after a Chinese label read as a typo)
    with translation.override("zh-hans"):
        assert f"从{label_colon()}请输入有效日期。" == "从：请输入有效日期。"
    with translation.override("en"):
        assert f"From{label_colon()}Enter a valid date." == "From: Enter a valid date."
