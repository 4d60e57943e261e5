import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse

from documents.services import communication_pdf, formulario_001_pdf
from tests.factories import make_natural

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(official):
    return formulario_001_pdf(make_natural(by=official).form_versions.latest("version"), copy=False)


def test_an_official_downloads_the_stored_file(client, official, document):
    client.force_login(official)

    response = client.get(reverse("documents:download", args=[document.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == document.file.open("rb").read()


def test_an_official_downloads_a_communication(client, official, judicial_cancellation):
    document = communication_pdf(judicial_cancellation.communications.first())
    client.force_login(official)

    assert client.get(reverse("documents:download", args=[document.code])).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, document):
    response = client.get(reverse("documents:download", args=[document.code]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_citizen_or_a_staff_user_without_permission_cannot_download(client, citizen, document):
    client.force_login(citizen)
    assert client.get(reverse("documents:download", args=[document.code])).status_code == 403

    bare_staff = User.objects.create_user(username="staff", password="x", is_staff=True)
    client.force_login(bare_staff)
    assert client.get(reverse("documents:download", args=[document.code])).status_code == 403


def test_a_tampered_file_is_never_served(client, official, document):
    with default_storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 otro contenido")
    client.force_login(official)

    response = client.get(reverse("documents:download", args=[document.code]))

    assert response.status_code == 409
    assert "el archivo fue alterado" in response.content.decode()


def test_the_verification_page_links_the_file_only_for_officials(client, official, document):
    url = reverse("documents:verify", args=[document.code])
    download = reverse("documents:download", args=[document.code])

    assert download not in client.get(url).content.decode()
    client.force_login(official)
    assert download in client.get(url).content.decode()
