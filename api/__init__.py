"""The REST API for agreement entities and the public RUT lookup (HackSoft style: one APIView per
operation, nested InputSerializer / OutputSerializer; serializers check shapes, services decide).

Every POST needs an Idempotency-Key header: a retry with the same key gets the first answer
(with `Idempotent-Replayed: true`) and changes nothing; the same key with another request is
refused (422). Errors are JSON: `{"detail": "..."}` for the request as a whole, or
`{"field": ["..."], "non_field_errors": ["..."]}` for field and business-rule errors.
"""
