"""The compose page's contact tools can be reached and used from the keyboard."""

import re

import pytest

from groupbuy.sharing.tests.factories import make_deal, make_user

pytestmark = pytest.mark.django_db


def test_import_vcard_is_a_button_that_opens_the_hidden_file_input(client):
    # given the compose page
    client.force_login(make_user(preferred_language="en"))
    html = client.get(f"/sharing/new/?deal={make_deal().public_id}").content.decode()
    # then "Import vCard" is a button (in the tab order, announced as a button)
    # controlling the file input, not a label for the hidden input
    assert re.search(
        r'<button type="button" class="button small secondary" id="vcard-import" '
        r'aria-controls="vcard-file">Import vCard</button>',
        html,
    )
    assert 'for="vcard-file"' not in html
    assert '<input type="file" id="vcard-file"' in html
