"""What teams holds about a person: the teams they opened and their seats.

Both are orders (money records) and stay on erasure, pointing at the
pseudonymous account; teammates then see a "Deleted user"
(accounts.names.mask_display_name).
Nobody is erased while they hold a paid place in a team still forming.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

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

    def erasure_blockers(self, user) -> list[str]:
        """Refuse while ``user`` has paid for a place in a team still forming:
        the team would complete (a coupon) or expire (a refund) for a person
        who no longer exists."""
        from django.db.models import Q

        from groupbuy.escrow.models import PaymentIntent
        from groupbuy.teams.models import TeamMember

        # Paid, or paid on the provider's page with the callback still to come.
        paying = Q(
            status=TeamMember.Status.PENDING,
            order__payment_intent__status=PaymentIntent.Status.REQUIRES_PAYMENT,
            order__payment_intent__submitted_at__isnull=False,
        )
        seats = (
            TeamMember.objects.filter(shopper=user)
            .filter(Q(status=TeamMember.Status.PAID) | paying)
            .select_related("team__team_deal__deal")
            .order_by("joined_at", "id")
        )
        titles = {
            seat.team.team_deal.deal_id: seat.team.team_deal.deal.title
            for seat in seats
        }
        return [
            gettext(
                "You have paid for a place in a team for “%(deal)s”, which has "
                "not filled yet: leave the team, or wait until it fills or its "
                "time runs out, before this account is deleted."
            )
            % {"deal": title}
            for title in titles.values()
        ]

    def erase(self, user) -> None:
        # Teams and seats are orders: kept under the pseudonym, nothing to cut.
        return None
