"""When a deceased person's inscription may be cancelled ex officio (Decreto 2460 de 2013, art. 17
num. 2 lit. a): one rule for the official's case and for the civil registry's death feed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from registry import responsibilities
from rut_portal.errors import Conflict

# Art. 17 num. 2 lit. a: a deceased person registered without responsibilities, or only under the
# simplified regimes of IVA or consumo (today's "no responsable"), is cancelled ex officio on the
# civil registry's report. Configurable with settings.DECEASED_CANCELLABLE_RESPONSIBILITIES.
DEFAULT_DECEASED_ALLOWED = frozenset(
    {
        responsibilities.VAT_SIMPLIFIED_REGIME,
        responsibilities.CONSUMPTION_SIMPLIFIED_REGIME,
        responsibilities.NOT_VAT_RESPONSIBLE,
        responsibilities.NOT_CONSUMPTION_RESPONSIBLE,
    }
)


class DeceasedWithResponsibilities(Conflict):
    """The deceased holds responsibilities that keep the RUT from an ex officio cancellation."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(
            _(
                "La persona fallecida tiene las responsabilidades %(codes)s: su RUT no se cancela "
                "de oficio (Decreto 2460 de 2013, art. 17 num. 2 lit. a). Niegue la cancelación e "
                "informe a la sucesión que su representante debe pedirla al liquidarse la "
                "sucesión (art. 17 num. 1 lit. b)."
            )
            % {"codes": ", ".join(codes)}
        )


def deceased_cancellable_responsibilities() -> frozenset[str]:
    """Responsibilities that still allow cancelling a deceased person ex officio."""
    return frozenset(
        getattr(settings, "DECEASED_CANCELLABLE_RESPONSIBILITIES", DEFAULT_DECEASED_ALLOWED)
    )


def require_deceased_cancellable(
    held: Iterable[str], *, allowed: frozenset[str] | None = None
) -> None:
    """Refuse the ex officio cancellation of a deceased person who holds other responsibilities.

    `held` are the responsibility codes of the inscrito's record; `allowed` defaults to
    deceased_cancellable_responsibilities() (a caller checking many rows passes it once).
    Raises DeceasedWithResponsibilities, whose message says what the official does next.
    """
    allowed = deceased_cancellable_responsibilities() if allowed is None else allowed
    blocking = sorted(set(held) - allowed)
    if blocking:
        raise DeceasedWithResponsibilities(blocking)
