import pytest

from tests.factories import DealerFactory

pytestmark = pytest.mark.django_db


def test_bench_dealer_list_1000_rows(benchmark, manufacturer_client):
    for n in range(300):
        DealerFactory(code=f"B{n:04d}")

    def run():
        response = manufacturer_client.get("/api/v1/dealers/?page_size=1000")
        assert response.status_code == 200

    benchmark(run)
