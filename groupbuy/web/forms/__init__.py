"""Forms for the pages. They check shape only; services enforce the rules.

Import from here; the modules split the forms by whose pages they are on.
"""

from groupbuy.web.forms.accounts import LoginForm, ProfileForm, SignUpForm
from groupbuy.web.forms.errors import add_domain_error
from groupbuy.web.forms.merchant import (
    DealForm,
    ListingCreateForm,
    ListingEditForm,
    SearchForm,
)
from groupbuy.web.forms.money import YuanField
from groupbuy.web.forms.shopping import DealFilterForm, JoinForm

__all__ = [
    "DealFilterForm",
    "DealForm",
    "JoinForm",
    "ListingCreateForm",
    "ListingEditForm",
    "LoginForm",
    "ProfileForm",
    "SearchForm",
    "SignUpForm",
    "YuanField",
    "add_domain_error",
]
