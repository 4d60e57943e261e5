"""/estadisticas/ and its downloads read the published snapshot, never the cases."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from open_data.models import Level
from open_data.services.statistics import publish_statistics
from tests.clock import TODAY
from tests.factories import make_natural
from tests.open_data.cases import insert_cases, plan_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(official):
    make_natural(by=official)
    insert_cases(plan_cases(300))
    return publish_statistics().snapshot


def test_the_page_shows_the_published_figures_without_reading_cases(client, published) -> None:
    total = published.case_figures.get(level=Level.TOTAL)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/estadisticas/")

    assert response.status_code == 200
    assert not [q for q in queries if "procedures_case" in q["sql"]]
    assert not [q for q in queries if "registry_registrant" in q["sql"]]
    assert len(queries) <= 5
    html = response.content.decode()
    assert f'data-figure="recibidos">{total.received}<' in html
    assert f'data-figure="decididos">{total.decided}<' in html
    median = f"{total.median_days:.1f}".replace(".", ",")
    assert f'data-figure="mediana">{median}<' in html
    assert 'data-figure="inscritos">1<' in html


def test_the_chart_is_an_accessible_svg_drawn_from_the_monthly_figures(client, published) -> None:
    html = client.get("/estadisticas/").content.decode()

    svg = re.search(r'<svg[^>]*data-chart="grafico-tramites".*?</svg>', html, re.S)
    assert svg
    svg_text = svg.group(0)
    assert 'role="img"' in svg_text
    assert 'aria-labelledby="grafico-tramites-titulo grafico-tramites-desc"' in svg_text
    assert '<title id="grafico-tramites-titulo">Trámites recibidos y decididos por mes</title>' in (
        svg_text
    )
    assert '<desc id="grafico-tramites-desc">Gráfico de barras' in svg_text
    months = list(published.case_figures.filter(level=Level.MONTH).order_by("month"))[-24:]
    assert svg_text.count("<rect") == 2 * len(months)
    # Coordinates are written for SVG, not localised with a decimal comma.
    assert not re.search(r'(x|y|width|height)="\d+,\d', svg_text)
    last = months[-1]
    assert re.search(rf"Recibidos, \w+ de {last.month.year}: {last.received}<", svg_text)
    # The same figures as a table.
    table = html[html.index('id="tabla-meses-datos"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr>") == len(months) + 1


def test_before_the_first_publication_the_page_says_so_and_downloads_are_404(client) -> None:
    response = client.get("/estadisticas/")

    assert response.status_code == 200
    assert "Aún no se han publicado estadísticas" in response.content.decode()
    assert client.get("/estadisticas/datos.csv").status_code == 404
    assert client.get("/estadisticas/datos.json").status_code == 404


def test_new_cases_show_only_after_the_next_publication(client, published) -> None:
    before = client.get("/estadisticas/").content.decode()
    insert_cases(plan_cases(5, seed=7), prefix="NEW")

    assert client.get("/estadisticas/").content.decode() == before
    publish_statistics()
    assert 'data-figure="recibidos">305<' in client.get("/estadisticas/").content.decode()


def test_the_csv_has_every_figure_with_its_level(client, published) -> None:
    response = client.get("/estadisticas/datos.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="estadisticas-rut-tramites-{TODAY.isoformat()}.csv"'
    )
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == published.case_figures.count()
    total = next(row for row in rows if row["nivel"] == "total")
    figure = published.case_figures.get(level=Level.TOTAL)
    assert int(total["recibidos"]) == figure.received == 300
    assert float(total["mediana_dias"]) == round(figure.median_days, 1)
    assert float(total["porcentaje_en_termino"]) == round(100 * figure.within_term_share, 1)
    detail = next(row for row in rows if row["nivel"] == "mes_tipo_seccional")
    assert re.fullmatch(r"\d{4}-\d{2}", detail["mes"])
    assert detail["seccional_nombre"].startswith("Dirección Seccional")
    assert sum(int(r["recibidos"]) for r in rows if r["nivel"] == "mes_tipo_seccional") == 300


def test_the_registrants_csv_has_no_personal_data(client, published) -> None:
    response = client.get("/estadisticas/datos.csv?tabla=inscritos")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        {
            "estado": "active",
            "estado_nombre": "Activo",
            "clase": "PN",
            "clase_nombre": "Persona natural",
            "inscritos": "1",
        }
    ]
    assert "PÉREZ" not in response.content.decode()


def test_an_unknown_table_is_a_400_with_a_spanish_message(client, published) -> None:
    response = client.get("/estadisticas/datos.csv?tabla=personas")

    assert response.status_code == 400
    assert response.content.decode() == "La tabla debe ser «tramites» o «inscritos»."


def test_the_json_has_the_same_rows_and_the_definitions(client, published) -> None:
    response = client.get("/estadisticas/datos.json")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert document["calculado"] == published.computed_at.isoformat()
    assert len(document["tramites"]) == published.case_figures.count()
    assert document["inscritos"][0]["inscritos"] == 1
    assert set(document["definiciones"]) >= {"mediana_dias", "porcentaje_en_termino"}
    total = next(row for row in document["tramites"] if row["nivel"] == "total")
    assert total["recibidos"] == 300
    assert total["mes"] is None


def test_the_downloads_answer_only_get(client, published) -> None:
    assert client.post("/estadisticas/datos.csv").status_code == 405
    assert client.post("/estadisticas/").status_code == 405


def test_every_public_page_links_to_the_statistics(client) -> None:
    html = client.get("/").content.decode()

    assert '<a href="/estadisticas/">Estadísticas abiertas del RUT</a>' in html
