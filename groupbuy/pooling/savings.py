"""The saving of any basket under any promotion: one pure function.

Amounts are integer fen. A basket is a list of lines; a line without a product
(``product_id=None``) is an amount reported without items, which counts only for
promotions that apply to every product.
"""

from __future__ import annotations

from dataclasses import dataclass, field

THRESHOLD = "threshold"  # 满减: spend T, save D (the best tier reached, not stacked)
N_FOR_M = "n_for_m"  # buy n pay m: in each n eligible items the n-m cheapest are free
SECOND_ITEM = "second_item"  # every second unit of a product at percent of its price
KINDS = (THRESHOLD, N_FOR_M, SECOND_ITEM)

# The most any amount may be (¥1,000,000): a cart, a line's price, a tier.
MAX_FEN = 100_000_000
# More tiers than a poster can show is a mistake, and matching tries each.
MAX_TIERS = 20
# The longest a promotion runs, and the furthest ahead it may end: a shop-wide
# promotion keeps the shop's last branch from closing while it runs or is yet to
# start (pooling/branch_closing.py), so one to 2099 would hold it open for good.
# The merchant's form offers "Runs for (days)" up to this; the service enforces it.
MAX_PROMOTION_DAYS = 365


@dataclass(frozen=True)
class Rules:
    kind: str
    tiers: tuple[tuple[int, int], ...] = ()  # (threshold_fen, off_fen), increasing
    buy_n: int = 0
    pay_m: int = 0
    second_item_percent: int = 100  # the second unit costs this percent
    # None: every product counts; otherwise only these product ids do.
    product_ids: frozenset[str] | None = field(default=None)


@dataclass(frozen=True)
class Line:
    product_id: str | None
    unit_price_fen: int
    quantity: int = 1


def rules_problems(rules: Rules) -> list[str]:
    """Return the codes of what makes ``rules`` unusable (empty when they are
    fine), once each; the service says them in the reader's language."""
    problems = []
    if rules.kind not in KINDS:
        problems.append("unknown_kind")
    if rules.kind == THRESHOLD:
        if not rules.tiers:
            problems.append("no_tiers")
        if len(rules.tiers) > MAX_TIERS:
            problems.append("too_many_tiers")
        for threshold, off in rules.tiers:
            if threshold <= 0 or off <= 0 or off >= threshold:
                problems.append("tier_saving_out_of_range")
            if threshold > MAX_FEN:
                problems.append("tier_too_large")
        for (t1, d1), (t2, d2) in zip(rules.tiers, rules.tiers[1:], strict=False):
            if not (t2 > t1 and d2 > d1):
                problems.append("tiers_not_increasing")
    if rules.kind == N_FOR_M and not (0 < rules.pay_m < rules.buy_n):
        problems.append("n_for_m_out_of_range")
    if rules.kind == SECOND_ITEM and not (0 <= rules.second_item_percent < 100):
        problems.append("second_item_percent_out_of_range")
    return list(dict.fromkeys(problems))


def _counts(rules: Rules, line: Line) -> bool:
    if rules.product_ids is None:
        return True
    return line.product_id is not None and line.product_id in rules.product_ids


def counted_items(rules: Rules, lines) -> list[Line]:
    """The lines with a product that the promotion counts: all that a promotion
    priced on items (buy n pay m, second item) looks at."""
    return [
        line
        for line in lines
        if line.product_id is not None and line.quantity > 0 and _counts(rules, line)
    ]


def eligible_fen(rules: Rules, lines: list[Line]) -> int:
    """Return the part of the basket the promotion applies to."""
    return sum(
        line.unit_price_fen * line.quantity for line in lines if _counts(rules, line)
    )


def tier_for(tiers, amount_fen: int) -> tuple[int, int] | None:
    """Return the highest (threshold, off) tier ``amount_fen`` reaches, if any."""
    reached = None
    for threshold, off in tiers:
        if amount_fen >= threshold:
            reached = (threshold, off)
    return reached


def basket_saving(rules: Rules, lines: list[Line]) -> int:
    """Return the fen saved on ``lines`` under ``rules``."""
    eligible = [line for line in lines if _counts(rules, line) and line.quantity > 0]
    if rules.kind == THRESHOLD:
        tier = tier_for(rules.tiers, eligible_fen(rules, eligible))
        return tier[1] if tier else 0
    if rules.kind == N_FOR_M:
        # Amount-only lines have no items to count.
        units = sorted(
            (
                line.unit_price_fen
                for line in eligible
                if line.product_id is not None
                for _ in range(line.quantity)
            ),
            reverse=True,
        )
        saving = 0
        for start in range(0, len(units) - rules.buy_n + 1, rules.buy_n):
            saving += sum(units[start + rules.pay_m : start + rules.buy_n])
        return saving
    if rules.kind == SECOND_ITEM:
        per_product: dict[str, list[int]] = {}
        for line in eligible:
            if line.product_id is None:
                continue
            per_product.setdefault(line.product_id, []).extend(
                [line.unit_price_fen] * line.quantity
            )
        saving = 0
        for prices in per_product.values():
            prices.sort(reverse=True)
            # Pairs are formed most expensive first; the cheaper of each pair is
            # the "second" unit.
            for index in range(1, len(prices), 2):
                saving += prices[index] * (100 - rules.second_item_percent) // 100
        return saving
    return 0


def shares(total_fen: int, weights: list[int]) -> list[int]:
    """Split ``total_fen`` in proportion to ``weights`` (largest remainder), so the
    shares add up to the total exactly."""
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0] * len(weights)
    floors = [total_fen * weight // weight_sum for weight in weights]
    remainders = sorted(
        range(len(weights)),
        key=lambda i: (-(total_fen * weights[i] % weight_sum), i),
    )
    for index in remainders[: total_fen - sum(floors)]:
        floors[index] += 1
    return floors
