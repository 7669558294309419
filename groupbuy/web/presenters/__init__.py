"""Shape what selectors return into what templates show, so templates only print.

Nothing here decides a business rule: prices and tiers come from the deals app's
own pricing functions; this only arranges them for display.
"""

from groupbuy.web.presenters.deals import PHASE_LABELS as PHASE_LABELS
from groupbuy.web.presenters.deals import PHASE_TONES as PHASE_TONES
from groupbuy.web.presenters.deals import DealCard as DealCard
from groupbuy.web.presenters.deals import TierStep as TierStep
from groupbuy.web.presenters.deals import deal_card as deal_card
from groupbuy.web.presenters.deals import deal_cards as deal_cards
from groupbuy.web.presenters.deals import deal_phase as deal_phase
from groupbuy.web.presenters.orders import OrderView as OrderView
from groupbuy.web.presenters.orders import order_view as order_view
from groupbuy.web.presenters.orders import order_views as order_views
