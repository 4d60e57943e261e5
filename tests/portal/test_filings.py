"""Requests on an existing RUT, signed with a numeric code: update, withdrawals, cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import PendingFiling, Signature
from procedures.models import Case, CaseType, Mode
from procedures.services.intake import check_requirements, decide_jurisdiction
from procedures.services.processing import grant_case
from procedures.services.requirements import record_requirement
from registry.models import AuditEntry, Registrant
from tests.clock import TODAY
from tests.factories import make_natural
from tests.portal.conftest import PASSWORD, last_code

pytestmark = pytest.mark.django_db
FACT_DATE = (TODAY - timedelta(days=8)).isoformat()  # within the month of art. 13
# The inscrito's own statement on the cessation of IVA activities (art. 13 par. 3).
CESSATION = {
    "motive": "cessation",
    "fact_date": FACT_DATE,
    "no_final_inventory": "on",
    "no_taxed_sales": "on",
    "new_activity": "Consultoría no gravada",
}


@pytest.fixture
def registrant(account):
    registrant = make_natural(
        document_number=account.document_number,
        email=account.email,
        responsibilities=["05", "48"],
    )
    return registrant


@pytest.fixture
def signed_in(client, account, registrant):
    client.post(
        reverse("portal:login"),
        {"document_type": "13", "document_number": account.document_number, "password": PASSWORD},
    )
    account.refresh_from_db()
    assert account.registrant == registrant  # linked: same document, same confirmed email
    return client


def _address(client, address: str, municipality: str = "11001"):
    return client.post(
        reverse("portal:update_section", args=["direccion"]),
        {
            "department": "11",
            "municipality": municipality,
            "address": address,
            "postal_code": "",
            "fact_date": FACT_DATE,
        },
        follow=True,
    )


def _sign(client, django_capture_on_commit_callbacks, response):
    filing = PendingFiling.objects.order_by("-id").first()
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("portal:sign", args=[filing.pk]),
            {"code": last_code(), "action": "sign"},
            follow=True,
        )


def test_an_address_update_signed_with_the_code_takes_effect_at_once(
    signed_in, registrant, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _address(signed_in, "KR 7 32 16")
    assert "Firmar la solicitud" in response.content.decode()

    page = _sign(signed_in, django_capture_on_commit_callbacks, response).content.decode()

    registrant.refresh_from_db()
    assert registrant.address == "KR 7 32 16"
    case = Case.objects.get(registrant=registrant, case_type=CaseType.UPDATE)
    assert case.mode == Mode.SELF_SERVICE and case.state == Case.State.CLOSED
    assert Signature.objects.get(case=case).account == account
    assert AuditEntry.objects.filter(registrant=registrant, action="update", self_service=True)
    assert f"Trámite {case.number}" in page


def test_a_wrong_signature_code_files_nothing(
    signed_in, registrant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _address(signed_in, "KR 7 32 16")
    filing = PendingFiling.objects.get()

    wrong = "000000" if last_code() != "000000" else "111111"
    page = signed_in.post(
        reverse("portal:sign", args=[filing.pk]), {"code": wrong, "action": "sign"}
    ).content.decode()

    assert "El código no es correcto. Le quedan 4 intentos" in page
    assert not Case.objects.filter(case_type=CaseType.UPDATE).exists()


def test_the_signature_page_asks_for_the_code_without_an_error_yet(
    signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = _address(signed_in, "KR 7 32 16").content.decode()

    assert "Firmar la solicitud" in page
    assert "Este campo es requerido" not in page
    assert "Revise lo siguiente" not in page


def test_the_third_address_change_in_six_months_is_explained(
    signed_in, registrant, django_capture_on_commit_callbacks
):
    for address in ("KR 7 32 16", "CL 100 15 20"):
        with django_capture_on_commit_callbacks(execute=True):
            response = _address(signed_in, address)
        _sign(signed_in, django_capture_on_commit_callbacks, response)

    response = _address(signed_in, "AV 68 1 1")

    page = response.content.decode()
    assert "Ya cambió la dirección 2 veces en los últimos seis meses" in page
    assert 'value="AV 68 1 1"' in page  # what was typed is kept


def test_the_vat_withdrawal_becomes_a_case_for_an_official(
    signed_in, registrant, django_capture_on_commit_callbacks
):
    declarations = {f"declaration_{i}": "on" for i in range(5)} | CESSATION
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("portal:withdrawal", args=["iva"]), declarations, follow=True
        )
    assert "48" in response.content.decode()

    _sign(signed_in, django_capture_on_commit_callbacks, response)

    case = Case.objects.get(registrant=registrant, case_type=CaseType.UPDATE)
    assert case.state == Case.State.RECEIVED
    assert case.payload["data"]["responsibilities"] == ["05", "49"]
    registrant.refresh_from_db()
    assert set(registrant.responsibilities.values_list("code", flat=True)) == {"05", "48"}


def test_the_vat_withdrawal_granted_by_an_official_replaces_48_with_49(
    signed_in, registrant, official, django_capture_on_commit_callbacks
):
    declarations = {f"declaration_{i}": "on" for i in range(5)} | CESSATION
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("portal:withdrawal", args=["iva"]), declarations, follow=True
        )
    _sign(signed_in, django_capture_on_commit_callbacks, response)
    case = Case.objects.get(registrant=registrant, case_type=CaseType.UPDATE)

    case = decide_jurisdiction(check_requirements(case, by=official, met=True), by=official)
    record_requirement(case, by=official, code="applicant_id", met=True)
    grant_case(case, by=official)

    assert set(registrant.responsibilities.values_list("code", flat=True)) == {"05", "49"}


def test_a_self_service_update_cannot_drop_vat_and_says_which_request_does(signed_in, registrant):
    page = signed_in.post(
        reverse("portal:update_section", args=["responsabilidades"]),
        {"responsibilities": ["05", "49"], "fact_date": FACT_DATE},
    ).content.decode()

    assert (
        "La responsabilidad 48 (impuesto sobre las ventas - IVA) solo se retira con la solicitud "
        "de retiro de IVA, que acredita el cese de actividades gravadas (Decreto 2460 de 2013, "
        "art. 13 par. 3)."
    ) in page
    assert not PendingFiling.objects.exists()
    assert set(registrant.responsibilities.values_list("code", flat=True)) == {"05", "48"}


def test_a_withdrawal_needs_every_declaration(signed_in):
    page = signed_in.post(
        reverse("portal:withdrawal", args=["iva"]),
        {"declaration_0": "on", "motive": "regime_change"},
    )

    assert "Debe cumplir este requisito" in page.content.decode()


def test_a_cancellation_request_carries_its_signed_supports(
    signed_in, registrant, django_capture_on_commit_callbacks
):
    support = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta de liquidacion", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("portal:cancellation"),
            {
                "cause": "foreign_investment_ended",
                "facts": "Cancelé definitivamente mi inversión extranjera.",
                "fact_date": "2026-01-15",
                "support_kind": "other",
                "support": support,
            },
            follow=True,
        )
    _sign(signed_in, django_capture_on_commit_callbacks, response)

    case = Case.objects.get(registrant=registrant, case_type=CaseType.CANCELLATION_ON_REQUEST)
    assert case.documents.get().file.read().startswith(b"%PDF")
    assert case.citizen_signature.content_sha256
    assert registrant.state == Registrant.State.ACTIVE


def test_a_persona_natural_is_offered_only_the_causes_that_fit_a_person(signed_in):
    page = signed_in.get(reverse("portal:cancellation")).content.decode()

    assert "Terminación de la inversión extranjera" in page
    assert "Liquidación, fusión o escisión" not in page
    assert "Terminación del consorcio" not in page
    assert "Liquidación de la sucesión" not in page


def test_an_authoritys_order_is_not_a_cause_a_citizen_can_present(
    signed_in, registrant, django_capture_on_commit_callbacks
):
    """Procedure of cancelación de oficio y reactivación, 3.2: the user who presents an
    authority's order is refused; the authority sends it, ejecutoriada, to the DIAN itself."""
    page = signed_in.get(reverse("portal:cancellation")).content.decode()
    assert "Orden de autoridad competente" not in page

    with django_capture_on_commit_callbacks(execute=True):
        posted = signed_in.post(
            reverse("portal:cancellation"),
            {
                "cause": "authority_order",
                "facts": "El Juzgado 3 Civil ordenó cancelar mi inscripción.",
                "fact_date": "2026-01-15",
                "support_kind": "judicial_order",
                "support": SimpleUploadedFile(
                    "sentencia.pdf", b"%PDF-1.4 orden", "application/pdf"
                ),
            },
        ).content.decode()

    assert "authority_order no es una de las opciones" in posted
    assert not PendingFiling.objects.exists()
    assert not Case.objects.filter(registrant=registrant).exists()
    registrant.refresh_from_db()
    assert registrant.state == Registrant.State.ACTIVE


def test_a_filing_presenting_an_order_is_refused_when_signed_with_the_reason(
    signed_in, account, registrant, django_capture_on_commit_callbacks
):
    """Procedure 3.2, also for a filing left pending from before the cause was withdrawn."""
    filing = PendingFiling.objects.create(
        account=account,
        kind=PendingFiling.Kind.CANCELLATION,
        payload={"cause": "authority_order", "facts": "Orden del juzgado.", "fact_date": ""},
        summary=[],
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("portal:sign", args=[filing.pk]), {"action": "resend"})
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in.post(
            reverse("portal:sign", args=[filing.pk]), {"code": last_code(), "action": "sign"}
        ).content.decode()

    assert "la autoridad que la emitió debe enviarla directamente a la DIAN" in page
    assert not Case.objects.filter(registrant=registrant).exists()


def test_a_posted_company_cause_is_refused_for_a_persona_natural(signed_in):
    page = signed_in.post(
        reverse("portal:cancellation"),
        {
            "cause": "liquidation",
            "facts": "Se liquidó la sociedad.",
            "fact_date": "2026-01-15",
            "support_kind": "other",
            "support": SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta", "application/pdf"),
        },
    ).content.decode()

    assert "Escoja una opción válida. liquidation no es una de las opciones" in page
    assert not PendingFiling.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "no es un PDF ni una imagen"),
        ("falso.pdf", b"GIF89a", "no es un PDF ni una imagen"),
        ("grande.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "el máximo es 5 MB"),
    ],
)
def test_uploads_other_than_small_pdfs_or_images_are_refused(signed_in, name, content, message):
    page = signed_in.post(
        reverse("portal:cancellation"),
        {
            "cause": "foreign_investment_ended",
            "facts": "Hechos que quedan escritos",
            "fact_date": "2026-01-15",
            "support_kind": "other",
            "support": SimpleUploadedFile(name, content),
        },
    ).content.decode()

    assert message in page
    assert "Hechos que quedan escritos" in page
    assert not PendingFiling.objects.exists()


def test_the_activities_update_searches_the_ciiu_and_fills_the_field(signed_in):
    url = reverse("portal:update_section", args=["actividades"])

    found = signed_in.post(url, {"ciiu_q": "programacion informatica", "action": "search"})
    page = found.content.decode()
    assert "Buscar una actividad (CIIU)" in page
    assert "6201" in page and "Usar como principal" in page
    assert "Revise lo siguiente" not in page

    chosen = signed_in.post(url, {"principal_code": "0010", "use_principal": "6201"})
    page = chosen.content.decode()
    assert 'name="principal_code" value="6201"' in page
    assert not PendingFiling.objects.exists()


def test_identification_data_is_not_a_self_service_update(signed_in):
    page = signed_in.get(reverse("portal:update")).content.decode()

    assert "motivo=identification" in page


@pytest.mark.parametrize(
    ("name", "args", "label"),
    [("portal:cancellation", [], "Otro soporte"), ("portal:withdrawal", ["iva"], "Observaciones")],
)
def test_an_optional_field_says_so_once(signed_in, name, args, label):
    page = signed_in.get(reverse(name, args=args)).content.decode()

    assert f'{label} <span class="field__optional">(opcional)</span>' in page
    assert "(opcional) <span" not in page
