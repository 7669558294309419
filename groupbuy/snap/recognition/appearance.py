"""The appearance stage: recognise the whole product, or at least its category.

It runs after the barcode and name stages and only when they are not already
sure. First the photo's local features are matched against the catalog's
reference images (``ReferenceImageIndex``); a product that one homography
explains with many inliers is almost surely the one photographed. When no
product matches well, the category classifier says what kind of thing it is,
so the shopper still sees deals for, say, apples.
"""

from __future__ import annotations

import time

from groupbuy.snap.recognition.base import Candidate, RecognitionContext, SnapImage
from groupbuy.snap.recognition.classifier import CategoryClassifier
from groupbuy.snap.recognition.reference_index import ProductMatch, ReferenceImageIndex

# Barcode or name stages already this sure make the appearance work pointless.
SKIP_AT_CONFIDENCE = 0.95
# Below this the best product match is too weak to stand alone, so the
# classifier's categories are added.
STRONG_PRODUCT_CONFIDENCE = 0.8
MIN_PRODUCT_CONFIDENCE = 0.05
MIN_CATEGORY_PROBABILITY = 0.02
PRODUCT_LIMIT = 5
LEAF_CATEGORY_LIMIT = 5


class AppearanceStage:
    name = "appearance"

    def __init__(
        self,
        reference_index: ReferenceImageIndex | None,
        classifier: CategoryClassifier | None = None,
    ):
        self.reference_index = reference_index
        self.classifier = classifier

    def run(self, image: SnapImage, context: RecognitionContext) -> list[Candidate]:
        if context.best_confidence() >= SKIP_AT_CONFIDENCE:
            return []
        products = self._match_products(image, context)
        best = max((c.confidence for c in products), default=0.0)
        if best >= STRONG_PRODUCT_CONFIDENCE or self.classifier is None:
            return products
        return products + self._classify(image, context)

    def _match_products(
        self, image: SnapImage, context: RecognitionContext
    ) -> list[Candidate]:
        if self.reference_index is None or len(self.reference_index) == 0:
            return []
        started = time.perf_counter()
        matches = self.reference_index.match(image.gray, limit=PRODUCT_LIMIT)
        context.timings_ms["appearance.products"] = _elapsed_ms(started)
        return [
            product_candidate(found)
            for found in matches
            if found.confidence >= MIN_PRODUCT_CONFIDENCE
        ]

    def _classify(
        self, image: SnapImage, context: RecognitionContext
    ) -> list[Candidate]:
        started = time.perf_counter()
        candidates = category_candidates(self.classifier, image.rgb)
        context.timings_ms["appearance.categories"] = _elapsed_ms(started)
        return candidates


def product_candidate(found: ProductMatch) -> Candidate:
    return Candidate(
        kind="product",
        value=found.product_id,
        confidence=round(found.confidence, 4),
        method="appearance",
        detail={
            "inliers": found.inliers,
            "rival_inliers": found.rival_inliers,
            "matches": found.matches,
            "category": found.category,
            "reference": found.reference_key,
        },
    )


def category_candidates(classifier: CategoryClassifier, rgb) -> list[Candidate]:
    """Return the most probable leaf categories and the ancestors of the best.

    An ancestor's probability is the sum over its leaves, so it can be
    confident ("apple", 0.9) when the leaves are not ("royal-gala", 0.4).
    """
    probabilities = classifier.probabilities(rgb)
    leaves = [
        prediction
        for prediction in classifier.rank(probabilities, top_k=LEAF_CATEGORY_LIMIT)
        if prediction.probability >= MIN_CATEGORY_PROBABILITY
    ]
    if not leaves:
        return []
    candidates = [
        _category_candidate(classifier, p.label, p.probability, is_leaf=True)
        for p in leaves
    ]
    totals = classifier.ancestor_probabilities(probabilities)
    for ancestor in classifier.ancestors_of(leaves[0].label):
        candidates.append(
            _category_candidate(classifier, ancestor, totals[ancestor], is_leaf=False)
        )
    return candidates


def _category_candidate(
    classifier: CategoryClassifier, label: str, probability: float, *, is_leaf: bool
) -> Candidate:
    return Candidate(
        kind="category",
        value=label,
        confidence=round(min(probability, 1.0), 4),
        method="appearance",
        detail={"is_leaf": is_leaf, "parent": classifier.parents.get(label)},
    )


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
