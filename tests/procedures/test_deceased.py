"""Decreto 2460 de 2013, art. 17 num. 2 lit. a: a deceased person is cancelled ex officio only
without responsibilities or with just the simplified / no-responsable ones; one rule, one message,
for the official's case and the civil registry's feed."""

import pytest

from procedures.services.deceased import (
    DeceasedWithResponsibilities,
    require_deceased_cancellable,
)

MESSAGE = (
    "La persona fallecida tiene las responsabilidades 05, 07: su RUT no se cancela de oficio "
    "(Decreto 2460 de 2013, art. 17 num. 2 lit. a). Niegue la cancelación e informe a la "
    "sucesión que su representante debe pedirla al liquidarse la sucesión (art. 17 num. 1 lit. b)."
)


@pytest.mark.parametrize("held", [[], ["49"], ["12", "49"], ["34", "50"]])
def test_no_responsibilities_or_only_the_simplified_ones_allow_the_ex_officio_cancellation(held):
    require_deceased_cancellable(held)  # refuses nothing


def test_any_other_responsibility_is_refused_saying_what_the_official_does_next():
    with pytest.raises(DeceasedWithResponsibilities) as error:
        require_deceased_cancellable(["49", "07", "05"])

    assert error.value.codes == ["05", "07"]  # only the ones that block, in order
    assert error.value.message == MESSAGE
    assert error.value.status_code == 409


def test_the_allowed_codes_can_be_configured(settings):
    settings.DECEASED_CANCELLABLE_RESPONSIBILITIES = ["05"]
    require_deceased_cancellable(["05"])
    with pytest.raises(DeceasedWithResponsibilities):
        require_deceased_cancellable(["49"])
