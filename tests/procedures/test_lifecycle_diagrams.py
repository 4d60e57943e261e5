from pathlib import Path

from django.conf import settings

from procedures.diagrams import lifecycle_document


def test_the_documented_state_diagrams_match_the_state_machines() -> None:
    documented = (Path(settings.BASE_DIR) / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert documented == lifecycle_document(), "run: python manage.py lifecycle_diagrams"


def test_the_diagram_draws_four_eyes_and_the_suspension_loop() -> None:
    text = lifecycle_document()
    assert "awaiting_approval --> decided: approve [approve_cancellation]" in text
    assert "active --> suspended: suspend [suspend_registrant]" in text
    assert "suspended --> active: lift_suspension [suspend_registrant]" in text
