"""Pinyin search keys: find 香蕉 by typing "xiangjiao", "xiang jiao" or "xj".

A product stores two keys derived from its Chinese name and brand
(``Product.search_pinyin`` and ``Product.search_initials``, kept up to date by
``Product.save``):

- the full pinyin, each syllable after a space (" te lun su chun niu nai"),
  read with pypinyin's phrase dictionary so polyphonic characters take the
  reading of the word they are in (银行 is "yin hang", 行走 "xing zou"), and
  Traditional characters read as their Simplified forms (長城 "chang cheng");
- the initials, one letter per character ("tlscnn").

Names are joined with " |", which no query pattern contains, so a match never
runs from one name into the next.

A query word is read as pinyin when it cuts into whole syllables (the last one
may be cut short: "niuna" finds 牛奶); the pattern starts at a syllable, so
"ao" does not find 面包 (mian bao). Han characters typed among the letters
("niu奶") are read with every reading they have. A word is read as initials
when it is letters only. Either needs at least ``MIN_LETTERS`` letters: one
letter would match nearly every name.
"""

from __future__ import annotations

import functools
import itertools
import re

from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_LETTERS = 2
# How many ways of cutting a word into syllables are looked for ("xian" is
# 先 or 西安); the rest of a long, ambiguous word's readings are dropped.
MAX_READINGS = 8
NAME_SEPARATOR = " |"

# Every syllable pypinyin writes in its NORMAL style (ü as v), without the
# interjections m, n, ng, hm and hng, which would let any n end a syllable.
_SYLLABLE_LIST = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing
bo bong bu ca cai can cang cao ce cei cen ceng cha chai chan chang chao che
chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong
cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao
die din ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei
fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua
guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou
hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong
jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai
kuan kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian liang
liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao
me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao
ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu nuan nun
nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po
pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang
rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen
seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te
tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei
wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue
xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang
zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou
zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_LIST.split())
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))
_SYLLABLE_STARTS = frozenset(
    syllable[:end] for syllable in SYLLABLES for end in range(1, len(syllable) + 1)
)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A query word: runs of Latin letters, single Han characters and apostrophes
# (which mark a syllable boundary, as in "xi'an").
_QUERY_PIECE = re.compile(r"[a-z]+|[\u3400-\u9fff\uf900-\ufaff]|'")


@functools.cache
def _pypinyin():
    """pypinyin, imported on first use: it loads its dictionaries (~0.2 s)."""
    import pypinyin

    return pypinyin


@functools.cache
def to_simplified():
    """OpenCC's Traditional-to-Simplified converter, made once (snap's text
    match folds labels with it too)."""
    from opencc import OpenCC  # opencc-python-reimplemented: pure Python

    return OpenCC("t2s")


def _han_syllables(text: str) -> list[str]:
    """Return the pinyin of the Han characters in ``text``, one per character.

    Traditional characters are read as their simplified forms first: the phrase
    dictionary knows 长城 (chang cheng), not 長城, whose 長 alone reads zhang.
    """
    if not _HAN.search(text):
        return []
    pypinyin = _pypinyin()
    readings = pypinyin.lazy_pinyin(
        to_simplified().convert(text),
        style=pypinyin.Style.NORMAL,
        errors=lambda _chars: None,
    )
    return [reading for reading in readings if reading.isascii()]


def syllables(text: str) -> list[str]:
    """Return the pinyin of the Han characters in ``text`` ("牛奶": niu, nai),
    polyphonic characters read as in the words they are in."""
    return _han_syllables(text)


def word_pinyin(word: str) -> str:
    """Return ``word`` with its Han characters written in pinyin, lower case
    ("niu奶" is "niunai"); what a mixed word typed into a search means."""
    pieces = _QUERY_PIECE.findall(word.lower())
    return "".join(
        "".join(_han_syllables(piece)) if _HAN.fullmatch(piece) else piece
        for piece in pieces
        if piece != "'"
    )


def name_keys(*names: str) -> tuple[str, str]:
    """Return the (pinyin, initials) search keys of ``names``."""
    pinyin_parts, initials_parts = [], []
    for name in names:
        syllables = _han_syllables(name or "")
        if syllables:
            pinyin_parts.append("".join(" " + syllable for syllable in syllables))
            initials_parts.append("".join(syllable[0] for syllable in syllables))
    return NAME_SEPARATOR.join(pinyin_parts), NAME_SEPARATOR.join(initials_parts)


KEY_FIELDS = ("search_pinyin", "search_initials")


def key_fields(*, pinyin_length: int, initials_length: int):
    """The two fields a model keeps its keys in, ``search_pinyin`` and
    ``search_initials`` (in that order): written by its save(), indexed, not
    edited by hand, and empty in rows the release before wrote (db_default).
    The lengths are the model's: its names' longest pinyin and initials."""

    def key_field(max_length: int, label) -> models.CharField:
        return models.CharField(
            max_length=max_length,
            blank=True,
            editable=False,
            db_default="",
            db_index=True,
            verbose_name=label,
        )

    return key_field(pinyin_length, _("pinyin")), key_field(
        initials_length, _("pinyin initials")
    )


def with_derived_keys(update_fields, *, sources=("name",)):
    """Return a save's ``update_fields`` with the two keys added when it names
    a field they are read from (None, every field, stays None)."""
    if update_fields is None or not set(sources) & set(update_fields):
        return update_fields
    return set(update_fields) | set(KEY_FIELDS)


def _cuts(letters: str, *, limit: int) -> list[list[str]]:
    """Return ways of cutting ``letters`` into syllables, fewest syllables first;
    the last piece may be the start of a syllable."""
    found: list[list[str]] = []

    def walk(start: int, pieces: list[str]) -> None:
        if len(found) >= limit:
            return
        rest = letters[start:]
        if rest in _SYLLABLE_STARTS:
            found.append([*pieces, rest])
        for end in range(min(len(letters), start + _LONGEST_SYLLABLE), start, -1):
            piece = letters[start:end]
            if end < len(letters) and piece in SYLLABLES:
                walk(end, [*pieces, piece])

    walk(0, [])
    # A cut ending in a whole syllable already finds the longer ones ("xian"
    # finds " xiang"); one ending mid-syllable only adds noise ("xia n").
    whole = [cut for cut in found if cut[-1] in SYLLABLES]
    return sorted(whole or found, key=len)


def _han_readings(character: str) -> list[str]:
    pypinyin = _pypinyin()
    readings = pypinyin.pinyin(character, style=pypinyin.Style.NORMAL, heteronym=True)[
        0
    ]
    return [reading for reading in readings if reading.isascii()]


def pinyin_patterns(word: str) -> list[str]:
    """Return the substrings of ``search_pinyin`` that ``word`` may be looking
    for (" niu nai" for "niunai" or "niu奶"), or [] when it is not pinyin."""
    word = word.lower()
    pieces = _QUERY_PIECE.findall(word)
    if "".join(pieces) != word or not any(p.isascii() and p != "'" for p in pieces):
        return []  # digits, other letters or no Latin letters: not pinyin
    if sum(len(p) for p in pieces if p.isascii() and p != "'") < MIN_LETTERS:
        return []
    options: list[list[list[str]]] = []  # per piece, its ways of being read
    runs = [p for p in pieces if p != "'"]
    for index, piece in enumerate(runs):
        if _HAN.fullmatch(piece):
            readings = [[reading] for reading in _han_readings(piece)]
        else:
            readings = _cuts(piece, limit=MAX_READINGS)
            if index < len(runs) - 1:  # only the last may stop mid-syllable
                readings = [cut for cut in readings if cut[-1] in SYLLABLES]
        if not readings:
            return []
        options.append(readings)
    patterns = []
    for combination in itertools.islice(itertools.product(*options), MAX_READINGS):
        syllables = [syllable for cut in combination for syllable in cut]
        patterns.append("".join(" " + syllable for syllable in syllables))
    return patterns


def initials_pattern(word: str) -> str | None:
    """Return the substring of ``search_initials`` that ``word`` is, if it is
    initials: Latin letters only, at least ``MIN_LETTERS`` of them."""
    word = word.lower()
    if len(word) < MIN_LETTERS or not (word.isascii() and word.isalpha()):
        return None
    return word
