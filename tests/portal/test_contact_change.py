"""Changing the account's email or mobile, each confirmed with a code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import CitizenAccount
from tests.portal.conftest import PASSWORD, last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, account):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    return client


def test_a_new_email_counts_only_after_its_code_comes_back(
    signed_in, account, django_capture_on_commit_callbacks
):
    url = reverse("portal:email_change")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url, {"step": "value", "email": "nuevo@example.co"})
    account.refresh_from_db()
    assert account.email == "ana@example.co"

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url, {"step": "code", "code": last_code("nuevo@example.co")})

    assert response["Location"] == reverse("portal:account")
    account.refresh_from_db()
    assert account.email == account.user.email == "nuevo@example.co"


def test_a_code_sent_for_one_email_does_not_confirm_another(
    signed_in, account, django_capture_on_commit_callbacks
):
    url = reverse("portal:email_change")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url, {"step": "value", "email": "nuevo@example.co"})
    session = signed_in.session
    session["portal_new_email"] = "intruso@example.co"
    session.save()

    page = signed_in.post(url, {"step": "code", "code": last_code("nuevo@example.co")})

    assert "no es correcto" in page.content.decode()
    assert CitizenAccount.objects.get(pk=account.pk).email == "ana@example.co"


def test_a_new_mobile_is_confirmed_with_a_code_sent_to_the_account_email(
    signed_in, account, django_capture_on_commit_callbacks
):
    url = reverse("portal:mobile_change")
    page = signed_in.post(url, {"step": "value", "mobile": "12345"})
    assert "celular colombiano de 10 dígitos" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url, {"step": "value", "mobile": "311 222 3344"})
    signed_in.post(url, {"step": "code", "code": last_code("ana@example.co")})

    account.refresh_from_db()
    assert account.mobile == "3112223344" and account.mobile_confirmed_at
