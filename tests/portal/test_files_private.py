"""Uploads are private (issue 11, item 2): stored under generated names, never served from
MEDIA_ROOT by URL in any setting, downloaded only through the scoped views as attachments."""

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils.http import parse_header_parameters

import portal.urls
from conflicts import services
from portal.files import display_name
from tests.conflicts.factories import make_ticket
from tests.dealers.factories import PDF, submit_application
from tests.factories import DealerFactory, DealerUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def development_urls(settings):
    """The URLconf as the default (development) settings build it: DEBUG on."""
    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _attach(dealer, name="evil.html", content=PDF):
    ticket = make_ticket(dealer)
    user = DealerUserFactory(membership__dealer=dealer)
    attachment = services.ticket_attach(
        actor=user, ticket=ticket, upload=SimpleUploadedFile(name, content)
    )
    return user, attachment


def test_no_path_serves_a_file_to_anonymous_or_another_dealer(development_urls):
    dealer = DealerFactory()
    owner, attachment = _attach(dealer)
    document = submit_application().documents.get()
    outsider = DealerUserFactory(membership__dealer=DealerFactory())
    paths = [
        f"/media/{attachment.file.name}",
        f"/media/{document.file.name}",
        reverse("conflicts:attachment", args=[attachment.ticket_id, attachment.pk]),
        reverse("dealers:application_document", args=[document.pk]),
    ]
    for client in (_client(), _client(outsider)):
        for path in paths:
            assert client.get(path).status_code == 404, path
    # the document is not a dealer's business either, not even the attachment's owner's
    assert _client(owner).get(paths[3]).status_code == 404
    assert _client(owner).get(paths[0]).status_code == 404


def test_a_pdf_named_html_is_stored_as_pdf_and_downloaded_as_an_attachment():
    owner, attachment = _attach(DealerFactory(), name="evil.html")
    assert attachment.file.name.endswith(".pdf")
    assert "evil" not in attachment.file.name
    assert attachment.name == "evil.html"
    response = _client(owner).get(
        reverse("conflicts:attachment", args=[attachment.ticket_id, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert (disposition, params) == ("attachment", {"filename": "evil.html"})
    assert b"".join(response.streaming_content) == PDF


def test_chinese_file_name_downloads_under_its_name():
    owner, attachment = _attach(DealerFactory(), name="营业执照 2026.pdf")
    response = _client(owner).get(
        reverse("conflicts:attachment", args=[attachment.ticket_id, attachment.pk])
    )
    assert response.status_code == 200
    assert (
        "filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%202026.pdf"
        in (response["Content-Disposition"])
    )
    _disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert params == {"filename": "营业执照 2026.pdf"}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("a.pdf\"; filename*=UTF-8''evil.html", "a.pdf\"; filename*=UTF-8''evil.html"),
        ("a\r\nSet-Cookie: x=1.pdf", "aSet-Cookie: x=1.pdf"),
        ("../../etc/passwd\x00.pdf", "passwd.pdf"),
    ],
)
def test_a_crafted_name_cannot_inject_header_parameters(name, shown):
    owner, attachment = _attach(DealerFactory(), name=name)
    assert attachment.name == shown
    response = _client(owner).get(
        reverse("conflicts:attachment", args=[attachment.ticket_id, attachment.pk])
    )
    assert response.status_code == 200
    disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert (disposition, params) == ("attachment", {"filename": shown})
    assert "Set-Cookie" not in response.headers


def test_staff_download_application_documents_under_the_applicants_name():
    document = submit_application().documents.get()
    staff = StaffUserFactory(is_superuser=True)
    response = _client(staff).get(reverse("dealers:application_document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert parse_header_parameters(response["Content-Disposition"]) == (
        "attachment",
        {"filename": "licence.pdf"},
    )


def test_display_name_keeps_the_extension_when_shortened():
    assert display_name("x" * 300 + ".pdf") == "x" * 196 + ".pdf"
    assert display_name("") == "file"
    assert display_name("C:\\Users\\me\\scan.png") == "scan.png"
