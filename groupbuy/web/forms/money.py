"""A price typed in yuan, read as fen."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.core.money import YuanSyntaxError, format_fen, parse_yuan, yuan_to_fen

# A number of yuan written with digits (thousands' commas, a point) only.
_DIGITS_ONLY = re.compile(r"[¥￥]?[0-9][0-9,]*(\.[0-9]*)?")


class YuanField(forms.Field):
    """A price typed in yuan ("12.5", "¥12.50", "1,299") cleaned to integer fen
    (1250). Commas only separate thousands (core.money.parse_yuan): "0,05" is
    refused, not read as ¥5."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, such as 12.50."),
        "misplaced_comma": _(
            "Write fen after a point and commas only between thousands, "
            "such as 1,234.50."
        ),
        "too_precise": _("Use at most two decimals (fen)."),
        "not_positive": _("The amount must be more than 0."),
        "too_large": _("This amount is too large."),
    }

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "16"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_fen(value, symbol="", grouping=False)
        return value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 16:
            code = "too_large" if _DIGITS_ONLY.fullmatch(text) else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code)
        try:
            amount = parse_yuan(text)  # no exponent, NaN nor infinity
        except YuanSyntaxError as error:
            raise forms.ValidationError(
                self.error_messages[error.code], code=error.code
            ) from None
        # Under a trillion yuan (16 characters allow no more, but the field's
        # limit may be raised).
        if abs(amount) >= Decimal(10) ** 12:
            # A number, but past any amount (it was "Enter an amount in yuan").
            raise forms.ValidationError(
                self.error_messages["too_large"], code="too_large"
            )
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                self.error_messages["too_precise"], code="too_precise"
            )
        if amount <= 0:
            raise forms.ValidationError(
                self.error_messages["not_positive"], code="not_positive"
            )
        return yuan_to_fen(amount)
