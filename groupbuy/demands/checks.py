"""A demand setting that is not one of its choices stops the start (it is read
from the environment: docs/demands.md)."""

from django.core.checks import Error, register


@register()
def check_forfeit_rule(app_configs, **kwargs) -> list[Error]:
    from groupbuy.demands.models import ForfeitRule
    from groupbuy.demands.rules import forfeit_rule

    try:
        forfeit_rule()
    except ValueError as problem:
        return [
            Error(
                str(problem),
                hint="One of: " + ", ".join(ForfeitRule.values) + ".",
                id="demands.E001",
            )
        ]
    return []
