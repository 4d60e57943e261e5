"""The demo citizen: a Mi RUT account of one demo inscrito, made through the portal's services.

It runs after demo.registry has loaded the inscritos, because the account is linked to its RUT
the way a real one is: activation links it when the email it confirmed is the one in the RUT.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from portal.models import CodePurpose
from portal.services import accounts
from portal.services.codes import Decoy, issue_code
from registry.models import DocumentType
from registry.selectors import registrant_by_document

# LUIS EDUARDO HERNÁNDEZ BARRERA: a persona natural with an active RUT in Tunja, a seccional no
# demo case touches, so his Mi RUT starts clean.
DOCUMENT_TYPE = "13"
DOCUMENT_NUMBER = "19456789"


@dataclass(frozen=True)
class DemoCitizen:
    document_type: str  # the name shown in the sign-in form, e.g. "Cédula de ciudadanía"
    document_number: str
    name: str
    created: bool


@transaction.atomic
def load_demo_citizen(*, password: str) -> DemoCitizen:
    """Sign up, activate and set the password of the demo citizen's account, unless it exists."""
    registrant = registrant_by_document(DOCUMENT_TYPE, DOCUMENT_NUMBER)
    if registrant is None:
        raise LookupError("load the demo registry first: the demo citizen is one of its inscritos")
    created = accounts.account_for_document(DOCUMENT_TYPE, DOCUMENT_NUMBER) is None
    if created:
        accounts.sign_up(
            accounts.SignUpData(
                document_type=DOCUMENT_TYPE,
                document_number=DOCUMENT_NUMBER,
                first_name=f"{registrant.first_name} {registrant.other_names}".strip().title(),
                last_name=f"{registrant.first_surname} {registrant.second_surname}".strip().title(),
                email=registrant.email,
                mobile=registrant.phone_1,
            ),
            ip_address=None,
        )
        account = accounts.account_for_document(DOCUMENT_TYPE, DOCUMENT_NUMBER)
        assert account is not None
        # The code sign_up emails exists in plain only in that email. A newer code replaces it
        # (only the newest is checked, and the email task skips a replaced code), so nothing
        # is sent and the demo activates the account as its owner would.
        _code, plain = issue_code(account, purpose=CodePurpose.ACTIVATION)
        account = accounts.activate(
            DOCUMENT_TYPE, DOCUMENT_NUMBER, submitted=plain, decoy=Decoy.start()
        )
        accounts.set_password(account, password=password)
    return DemoCitizen(
        document_type=DocumentType.objects.get(pk=DOCUMENT_TYPE).name,
        document_number=DOCUMENT_NUMBER,
        name=registrant.display_name,
        created=created,
    )
