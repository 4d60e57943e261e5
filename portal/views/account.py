"""Account pages: sign-up, activation, sign-in, recovery and the owner's account page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import selectors
from portal.forms import (
    CodeForm,
    DocumentCodeForm,
    EmailChangeForm,
    LoginForm,
    MobileChangeForm,
    PasswordForm,
    RecoveryForm,
    SignUpForm,
)
from portal.models import CitizenAccount
from portal.services import accounts, throttle
from portal.services.accounts import DATA_POLICY_VERSION
from portal.services.codes import CODE_LIFETIME, CodeError, Decoy
from portal.views.common import (
    add_domain_error,
    citizen_required,
    safe_next,
    start_session,
)
from rut_portal.client import client_address
from rut_portal.errors import DomainError

# Session keys of the multi-page flows (the document typed, the verified account, decoys).
PENDING_DOCUMENT = "portal_pending_document"
VERIFIED = "portal_verified_account"
DECOY = "portal_code_decoy"
NEW_EMAIL = "portal_new_email"
NEW_MOBILE = "portal_new_mobile"
VERIFIED_SECONDS = int(CODE_LIFETIME.total_seconds())
BACKEND = "portal.backends.AccountBackend"


def _remember_document(request: HttpRequest, flow: str, document_type: str, number: str) -> None:
    request.session[PENDING_DOCUMENT] = {"flow": flow, "type": document_type, "number": number}
    request.session[DECOY] = Decoy.start().as_dict()


def _initial_document(request: HttpRequest, flow: str) -> dict[str, str]:
    pending = request.session.get(PENDING_DOCUMENT) or {}
    if pending.get("flow") != flow:
        return {}
    return {"document_type": pending["type"], "document_number": pending["number"]}


def _decoy(request: HttpRequest) -> Decoy:
    return Decoy(**request.session.get(DECOY, Decoy.start().as_dict()))


def _code_rate_limited(request: HttpRequest, form: DocumentCodeForm) -> bool:
    if throttle.hit(throttle.CODES_PER_ADDRESS, client_address(request)) > (
        throttle.CODES_PER_ADDRESS.max_hits
    ):
        minutes = throttle.minutes_left()
        form.add_error(
            None,
            ngettext(
                "Demasiados intentos desde esta conexión. Espere %(m)s minuto.",
                "Demasiados intentos desde esta conexión. Espere %(m)s minutos.",
                minutes,
            )
            % {"m": minutes},
        )
        return True
    return False


def _email_rate_limited(request: HttpRequest) -> bool:
    return throttle.hit(throttle.EMAILS_PER_ADDRESS, client_address(request)) > (
        throttle.EMAILS_PER_ADDRESS.max_hits
    )


def _captcha_required(request: HttpRequest) -> bool:
    """Sign-up and recovery ask the captcha once this address has sent one of them."""
    first_attempt = throttle.Limit(throttle.EMAILS_PER_ADDRESS.scope, 0)
    return throttle.exceeded(first_attempt, client_address(request))


@require_GET
def data_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/data_policy.html", {"version": DATA_POLICY_VERSION})


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None, captcha_required=_captcha_required(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _email_rate_limited(request):
            accounts.sign_up(
                accounts.SignUpData(
                    document_type=data["document_type"],
                    document_number=data["document_number"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    mobile=data["mobile"],
                ),
                ip_address=client_address(request),
            )
        _remember_document(request, "activation", data["document_type"], data["document_number"])
        # The same words whatever happened: they never tell whether the document had an account.
        messages.info(
            request,
            _(
                "Si los datos permiten crear la cuenta, enviamos un código de activación a "
                "%(email)s. Revise también la carpeta de correo no deseado; el código dura 10 "
                "minutos."
            )
            % {"email": data["email"]},
        )
        return redirect("portal:activate")
    return render(request, "portal/sign_up.html", {"form": form, "version": DATA_POLICY_VERSION})


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    form = DocumentCodeForm(request.POST or None, initial=_initial_document(request, "activation"))
    if request.method == "POST" and form.is_valid() and not _code_rate_limited(request, form):
        data = form.cleaned_data
        decoy = _decoy(request)
        try:
            account = accounts.activate(
                data["document_type"], data["document_number"], submitted=data["code"], decoy=decoy
            )
        except CodeError as exc:
            request.session[DECOY] = decoy.as_dict()
            add_domain_error(form, exc)
        else:
            request.session[VERIFIED] = {"id": account.pk, "flow": "activation"}
            request.session.set_expiry(VERIFIED_SECONDS)
            return redirect("portal:activate_password")
    return render(request, "portal/activate.html", {"form": form})


def _verified_account(request: HttpRequest, flow: str) -> CitizenAccount | None:
    verified = request.session.get(VERIFIED) or {}
    account_id = verified.get("id")
    if verified.get("flow") != flow or account_id is None:
        return None
    return CitizenAccount.objects.select_related("user").filter(pk=account_id).first()


def _password_page(request: HttpRequest, flow: str) -> HttpResponse:
    account = _verified_account(request, flow)
    if account is None:
        messages.warning(request, _("Primero ingrese el código que le enviamos por correo."))
        return redirect("portal:activate" if flow == "activation" else "portal:recover")
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password1"]
        try:
            if flow == "activation":
                accounts.set_password(account, password=password)
            else:
                accounts.complete_recovery(account, password=password)
        except ValidationError as exc:
            form.add_error("password1", exc)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            for key in (VERIFIED, PENDING_DOCUMENT, DECOY):
                request.session.pop(key, None)
            login(request, account.user, backend=BACKEND)
            start_session(request)
            messages.success(
                request,
                _("Su cuenta quedó activa.")
                if flow == "activation"
                else _("Cambió su contraseña. Le avisamos por correo."),
            )
            return redirect("portal:home")
    return render(request, "portal/set_password.html", {"form": form, "flow": flow})


@require_http_methods(["GET", "POST"])
def activate_password(request: HttpRequest) -> HttpResponse:
    return _password_page(request, "activation")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.authenticate_citizen(
                data["document_type"],
                data["document_number"],
                password=data["password"],
                ip_address=client_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend=BACKEND)
            start_session(request)
            return redirect(safe_next(request, "/mi-rut/"))
    return render(request, "portal/sign_in.html", {"form": form, "next": safe_next(request, "")})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Cerró su sesión."))
    return redirect("portal:login")


@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    form = RecoveryForm(request.POST or None, captcha_required=_captcha_required(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _email_rate_limited(request):
            accounts.request_recovery(data["document_type"], data["document_number"])
        _remember_document(request, "recovery", data["document_type"], data["document_number"])
        messages.info(
            request,
            _(
                "Si el documento corresponde a una cuenta activa, enviamos un código al correo "
                "registrado en ella. El código dura 10 minutos."
            ),
        )
        return redirect("portal:recover_code")
    return render(request, "portal/recover.html", {"form": form})


@require_http_methods(["GET", "POST"])
def recover_code(request: HttpRequest) -> HttpResponse:
    form = DocumentCodeForm(request.POST or None, initial=_initial_document(request, "recovery"))
    if request.method == "POST" and form.is_valid() and not _code_rate_limited(request, form):
        data = form.cleaned_data
        decoy = _decoy(request)
        try:
            account = accounts.verify_recovery(
                data["document_type"], data["document_number"], submitted=data["code"], decoy=decoy
            )
        except CodeError as exc:
            request.session[DECOY] = decoy.as_dict()
            add_domain_error(form, exc)
        else:
            request.session[VERIFIED] = {"id": account.pk, "flow": "recovery"}
            request.session.set_expiry(VERIFIED_SECONDS)
            return redirect("portal:recover_password")
    return render(request, "portal/recover_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def recover_password(request: HttpRequest) -> HttpResponse:
    return _password_page(request, "recovery")


@require_GET
@citizen_required
def account_page(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    return render(
        request,
        "portal/account.html",
        {
            "account": account,
            "sign_ins": selectors.sign_ins(account),
            "consents": account.consents.all()[:5],
        },
    )


def _contact_change(request: HttpRequest, account: CitizenAccount, *, what: str) -> HttpResponse:
    """Two steps on one page: the new value (a code is sent), then the code."""
    session_key = NEW_EMAIL if what == "email" else NEW_MOBILE
    pending = request.session.get(session_key)
    value_form = (EmailChangeForm if what == "email" else MobileChangeForm)(
        request.POST if request.POST.get("step") == "value" else None
    )
    code_form = CodeForm(request.POST if request.POST.get("step") == "code" else None)
    if request.method == "POST" and request.POST.get("step") == "value" and value_form.is_valid():
        new = value_form.cleaned_data[what]
        try:
            if what == "email":
                accounts.request_email_change(account, new_email=new)
            else:
                accounts.request_mobile_change(account, new_mobile=new)
        except DomainError as exc:
            add_domain_error(value_form, exc)
        else:
            request.session[session_key] = new
            pending = new
            messages.info(
                request,
                _("Enviamos un código a %(to)s. Escríbalo abajo para confirmar el cambio.")
                % {"to": new if what == "email" else account.email},
            )
            return redirect(request.path)
    if request.method == "POST" and request.POST.get("step") == "code" and pending:
        if code_form.is_valid():
            try:
                if what == "email":
                    accounts.confirm_email_change(
                        account, new_email=pending, submitted=code_form.cleaned_data["code"]
                    )
                else:
                    accounts.confirm_mobile_change(
                        account, new_mobile=pending, submitted=code_form.cleaned_data["code"]
                    )
            except CodeError as exc:
                add_domain_error(code_form, exc)
            else:
                request.session.pop(session_key, None)
                messages.success(
                    request,
                    _("Su correo electrónico quedó actualizado.")
                    if what == "email"
                    else _("Su celular quedó actualizado."),
                )
                return redirect("portal:account")
    return render(
        request,
        "portal/contact_change.html",
        {
            "account": account,
            "what": what,
            "value_form": value_form,
            "code_form": code_form,
            "pending": pending,
        },
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def email_change(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    return _contact_change(request, account, what="email")


@require_http_methods(["GET", "POST"])
@citizen_required
def mobile_change(request: HttpRequest, account: CitizenAccount) -> HttpResponse:
    return _contact_change(request, account, what="mobile")
