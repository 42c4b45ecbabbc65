"""Styled error pages (issue 12, point 4): 403 and 404 in the base layout with the
navigation; 500 renders without a request and without the database."""

import pytest
from django.template import loader
from django.test import RequestFactory
from django.views import defaults

from tests.factories import StaffUserFactory


@pytest.mark.django_db
def test_403_is_the_styled_page(client):
    client.force_login(StaffUserFactory(groups=["finance"]))
    response = client.get("/admin/dealers/application/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="error-page"' in body and "Not allowed" in body
    assert 'aria-label="Main navigation"' in body and "Times in Asia/Shanghai" in body


@pytest.mark.django_db
def test_404_is_the_styled_page(client):
    client.force_login(StaffUserFactory(groups=["support"]))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'id="error-page"' in body and "Page not found" in body


@pytest.mark.django_db
def test_404_in_chinese(client):
    client.force_login(StaffUserFactory(groups=["support"]))
    body = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="error-page"' in body and "Page not found" not in body


def test_500_renders_without_a_request_or_the_database():
    """No ``django_db`` mark: any query here fails the test."""
    body = loader.get_template("500.html").render()
    assert 'id="error-page"' in body and "Something went wrong" in body
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and b'id="error-page"' in response.content
