"""Turn recognition candidates into catalog products, a category and deals.

Candidates point at a GTIN, a product id, a deal id or a category slug; each
is looked up once, candidates for the same product are merged (the most
confident one names the method), and products come out best first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from groupbuy.catalog.models import Category, Product
from groupbuy.catalog.selectors import product_find_by_gtin
from groupbuy.snap import deal_lookup
from groupbuy.snap.recognition.base import Candidate
from groupbuy.snap.recognition.calibration import shipped_calibration

MAX_ALTERNATIVES = 5
# Below this the best product is only a guess: the snap counts as not recognised
# (and goes to the operator queue) but the guess is still offered.
RECOGNISED_MIN_CONFIDENCE = 0.5
# Weaker candidates are noise, not worth showing as alternatives.
ALTERNATIVE_MIN_CONFIDENCE = 0.15
CATEGORY_MIN_CONFIDENCE = 0.3


def calibrated_confidence(method: str, confidence: float) -> float | None:
    """Return the precision a match of ``method`` at ``confidence`` is trusted with.

    A barcode read the reader accepted carries a check digit (EAN/UPC) or error
    correction (QR), and a read found only by a retouched picture is accepted
    only when an independent attempt or the catalog agrees: its score stands.
    Other methods are looked up in the shipped calibration table (the
    precision measured at that score on photos apart from those reported,
    see recognition/calibration.py). A method without a table (the name on
    the label: no labelled photos to measure it on yet) has no measured
    precision (None): its answers always ask the shopper.
    """
    if method == "barcode":
        return confidence
    table = shipped_calibration().get(method)
    return table.precision_at(confidence) if table is not None else None


@dataclass
class ProductMatch:
    product: Product
    confidence: float
    method: str
    deal: object | None = None  # the deal a scanned deal link pointed at

    @property
    def precision(self) -> float | None:
        """The measured precision at this score, or None where unmeasured."""
        return calibrated_confidence(self.method, self.confidence)

    @property
    def shown_confidence(self) -> float:
        """What the answer shows: the precision, or the raw score if unmeasured."""
        precision = self.precision
        return self.confidence if precision is None else precision


@dataclass
class Resolution:
    matches: list[ProductMatch] = field(default_factory=list)
    category: Category | None = None
    category_confidence: float = 0.0
    unknown_gtins: list[str] = field(default_factory=list)
    # Set when a person said which product it is (an operator's label, or the
    # shopper picking an alternative): it wins over the recogniser's ranking.
    confirmed: ProductMatch | None = None
    # Set when the best match is not sure enough to count: the shopper is asked
    # "Is it one of these?" and nothing is recognised until they answer.
    needs_confirmation: bool = False

    @property
    def best(self) -> ProductMatch | None:
        if self.confirmed is not None:
            return self.confirmed
        if self.needs_confirmation:
            return None
        if self.matches and self.matches[0].confidence >= RECOGNISED_MIN_CONFIDENCE:
            return self.matches[0]
        return None

    @property
    def alternatives(self) -> list[ProductMatch]:
        best = self.best
        rest = [m for m in self.matches if best is None or m.product != best.product]
        return [
            match for match in rest if match.confidence >= ALTERNATIVE_MIN_CONFIDENCE
        ][:MAX_ALTERNATIVES]

    def ask_unless_sure(self, *, precision: float) -> None:
        """Hold back a best match whose calibrated confidence is under ``precision``."""
        best = self.best
        if best is None:
            return
        measured = best.precision
        if measured is None or measured < precision:
            self.needs_confirmation = True

    def match_for(self, product) -> ProductMatch | None:
        return next((m for m in self.matches if m.product == product), None)


def resolve_candidates(candidates: list[Candidate]) -> Resolution:
    """Return the products, category and unknown barcodes the candidates name."""
    resolution = Resolution()
    by_product: dict[int, ProductMatch] = {}
    for candidate in sorted(candidates, key=lambda c: -c.confidence):
        if candidate.kind == "category":
            _consider_category(resolution, candidate)
            continue
        product, deal = _lookup(candidate, resolution)
        if product is None:
            continue
        known = by_product.get(product.pk)
        if known is None:
            by_product[product.pk] = ProductMatch(
                product, candidate.confidence, candidate.method, deal
            )
        elif deal is not None and known.deal is None:
            known.deal = deal
    resolution.matches = sorted(
        by_product.values(), key=lambda m: (-m.confidence, m.product.pk)
    )
    return resolution


def _lookup(candidate: Candidate, resolution: Resolution):
    if candidate.kind == "gtin":
        product = product_find_by_gtin(code=candidate.value)
        if product is None and candidate.value not in resolution.unknown_gtins:
            resolution.unknown_gtins.append(candidate.value)
        return product, None
    if candidate.kind == "product":
        product = (
            Product.objects.select_related("category")
            .filter(public_id=candidate.value, is_active=True)
            .first()
        )
        return product, None
    if candidate.kind == "deal":
        deal = deal_lookup.deal_find(candidate.value)
        if deal is None:
            return None, None
        product = deal_lookup.deal_product(deal)
        return (product if product.is_active else None), deal
    return None, None


def _consider_category(resolution: Resolution, candidate: Candidate) -> None:
    if candidate.confidence < CATEGORY_MIN_CONFIDENCE:
        return
    if resolution.category is not None:
        return
    category = Category.objects.filter(slug=candidate.value).first()
    if category is not None:
        resolution.category = category
        resolution.category_confidence = candidate.confidence


def candidates_from_result(result: dict) -> list[Candidate]:
    """Return the candidates a snap stored in its ``result``."""
    return [
        Candidate(c["kind"], c["value"], c["confidence"], c["method"], c["detail"])
        for c in result.get("candidates", [])
    ]
