"""Privacy pages of Mi RUT: who consulted the citizen's data, and the RUT as it stood on a date."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal import consultations
from portal.models import CitizenAccount
from portal.views.common import citizen_required


@require_GET
@citizen_required
def consultation_log(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    """'¿Quién consultó mis datos?', paginated; ?formato=csv downloads every row."""
    registrant = account.registrant
    if registrant is None:
        return render(request, "portal/no_rut.html", {"account": account})
    if request.GET.get("formato") == "csv":
        body = consultations.consultations_csv(consultations.all_consultations(registrant))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="consultas-rut-{stamp}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
    page, rows = consultations.consultations_page(registrant, page=request.GET.get("pagina"))
    return render(
        request,
        "portal/consultations.html",
        {"account": account, "registrant": registrant, "page": page, "rows": rows},
    )
