"""Public pages: the portal's home and the Consulta del estado del RUT."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

import pycountry
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.public.forms import RutLookupForm
from portal.shells import PagePart, PageShell
from registry.models import Registrant
from registry.nit import InvalidNit
from registry.selectors import PublicRegistrant, public_registrant_by_nit
from rut_portal import ratelimit
from rut_portal.client import client_address

STATE_LABELS = dict(Registrant.State.choices)
# By the state's value, as a row holds it.
STATE_NOTES: dict[str, Promise] = {
    Registrant.State.ACTIVE: _("La inscripción en el RUT está vigente."),
    Registrant.State.SUSPENDED: _("La inscripción está suspendida."),
    Registrant.State.CANCELLED: _("La inscripción fue cancelada."),
    Registrant.State.PROVISIONAL: _(
        "NIT provisional: queda en firme cuando se presenta la certificación bancaria dentro del "
        "plazo (Decreto 2460 de 2013, art. 10)."
    ),
    Registrant.State.LAPSED: _(
        "El NIT provisional perdió su validez porque no se presentó a tiempo la certificación "
        "bancaria."
    ),
}


@cache
def _country_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)


def country_name(code: str) -> str:
    """Spanish name of an ISO 3166 country ('FR' → 'Francia')."""
    country = pycountry.countries.get(alpha_2=code)
    return _country_names().gettext(country.name) if country else code


@dataclass(frozen=True)
class PublicRecord:
    """The data of a RUT anyone may see (Decreto 2460 de 2013, art. 4 par. 2); the rest is
    reserved, so the template never receives the inscrito itself."""

    nit: str
    identification_number: str
    name: str
    address: str
    municipality: str
    department: str
    country: str
    state: str
    state_label: str
    state_note: str

    @classmethod
    def of(cls, registrant: PublicRegistrant) -> PublicRecord:
        return cls(
            nit=registrant.formatted_nit,
            identification_number=registrant.document_number or registrant.nit or "",
            name=registrant.display_name,
            address=registrant.address,
            municipality=registrant.municipality.name if registrant.municipality else "",
            department=registrant.department.name if registrant.department else "",
            country="" if registrant.country == "CO" else country_name(registrant.country),
            state=registrant.state,
            # Not get_state_display(): it rebuilds (and translates) every choice on each call.
            state_label=str(STATE_LABELS.get(registrant.state, registrant.state)),
            state_note=str(STATE_NOTES.get(registrant.state, "")),
        )


# The home page as rendered, per language. It is the same for every visitor (a GET form, no CSRF
# token, nothing of the session) and rendering its templates cost three times a bare request.
# A new release is a new process; a setting changed (tests) forgets it.
_home_pages: dict[str, bytes] = {}


@receiver(setting_changed)
def _forget_rendered_pages(**kwargs: Any) -> None:
    _home_pages.clear()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    language = get_language()
    page = _home_pages.get(language)
    if page is None:
        page = render(request, "registry/home.html", {"form": RutLookupForm()}).content
        _home_pages[language] = page
    return HttpResponse(page)


@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico: browsers ask for it on pages that name no icon (the admin, a PDF's tab).

    Not a permanent redirect: the static URL carries the file's hash, which changes with it.
    """
    return HttpResponseRedirect(static("img/favicon.svg"))


LOOKUP_PAGE = PageShell("registry/rut_lookup.html")
LOOKUP_PART = "registry/_rut_lookup_part.html"


def _record(values: Mapping[str, object]) -> PublicRecord:
    return PublicRecord(**{field.name: str(values[field.name]) for field in fields(PublicRecord)})


def _typed_form(typed: str) -> RutLookupForm:
    form = RutLookupForm({"nit": typed})
    if not form.is_valid():
        raise ValueError(f"a stand-in the lookup form refuses: {typed!r}")
    return form


# The part of the three usual answers (no NIT asked yet, an inscrito found, none found) rendered
# once per language, with only the NIT typed and the record's values filled in per request: its
# labels, help text and translations were two fifths of the page's CPU (issue 18). A refused
# NIT or an exhausted budget renders the part in full.
_EMPTY_PART = PagePart(
    LOOKUP_PART, lambda values: {"form": RutLookupForm(), "record": None, "not_found": False}
)
_FOUND_PART = PagePart(
    LOOKUP_PART,
    lambda values: {
        "form": _typed_form(str(values["typed"])),
        "record": _record(values),
        "not_found": False,
    },
)
_NOT_FOUND_PART = PagePart(
    LOOKUP_PART,
    lambda values: {
        "form": _typed_form(str(values["typed"])),
        "record": None,
        "not_found": True,
        "searched": values["searched"],
    },
)


def _lookup_page(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The lookup page: its frame as rendered once, its part (form and result) rendered now."""
    part = render_to_string(LOOKUP_PART, context)
    return LOOKUP_PAGE.response(request, part, status=status)


@require_GET
def rut_lookup(request: HttpRequest) -> HttpResponse:
    """Consulta del estado del RUT by NIT; pre-inscriptions have no NIT and are not found."""
    if "nit" not in request.GET:
        return LOOKUP_PAGE.response(request, _EMPTY_PART.render({}, {}))
    form = RutLookupForm(request.GET)
    # One budget per address with the API's lookup: the page is no way around its limit.
    counted = ratelimit.hit(ratelimit.public_lookup_rate(), client_address(request))
    if not counted.allowed:
        minutes = counted.retry_after // 60 + 1
        context = {"form": RutLookupForm(), "throttled_minutes": minutes}
        response = _lookup_page(request, context, status=429)
        response["Retry-After"] = str(counted.retry_after)
        return response
    if form.is_valid():
        searched = form.cleaned_data["nit"]
        try:
            registrant = public_registrant_by_nit(searched)
        except InvalidNit as exc:
            form.add_error("nit", exc.message)
        else:
            # The value attribute shows what was typed, as the widget would (format_value).
            typed = str(form["nit"].value())
            if registrant is None:
                part = _NOT_FOUND_PART.render({}, {"typed": typed, "searched": searched})
            else:
                part = _FOUND_PART.render({}, {"typed": typed, **vars(PublicRecord.of(registrant))})
            return LOOKUP_PAGE.response(request, part)
    return _lookup_page(request, {"form": form, "record": None, "not_found": False})
