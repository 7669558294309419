"""What teams holds about a person: the teams they opened and their seats.

Both are orders (money records) and stay on erasure, pointing at the
pseudonymous account; teammates then see a "Deleted user" (selectors.mask_name).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


class TeamsPersonalData(PersonalDataProvider):
    holds = gettext_lazy("your places in teams")

    def export(self, user) -> PersonalDataExport:
        from groupbuy.teams.models import TeamMember

        seats = TeamMember.objects.filter(shopper=user).select_related(
            "team__team_deal__deal", "order"
        )
        return PersonalDataExport(
            records={
                "team_memberships": [
                    {
                        "team": seat.team.public_id,
                        "deal": seat.team.team_deal.deal.public_id,
                        "deal_title": seat.team.team_deal.deal.title,
                        "opened_by_me": seat.is_opener,
                        "team_size": seat.team.size,
                        "price_fen": seat.team.price_fen,
                        "team_state": seat.team.state,
                        "order": seat.order.public_id,
                        "status": seat.status,
                        "joined_at": seat.joined_at,
                        "paid_at": seat.paid_at,
                    }
                    for seat in seats.order_by("joined_at", "id")
                ]
            }
        )

    def erase(self, user) -> None:
        # Teams and seats are orders: kept under the pseudonym, nothing to cut.
        return None
