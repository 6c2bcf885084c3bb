"""Database expressions the plugin's models need (kept apart so migrations can import them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Func, PositiveIntegerField


class JSONArrayLength(Func):
    """The length of a JSON array, 0 for any other JSON value; immutable, so a generated
    column may store it (PostgreSQL's JSONB_ARRAY_LENGTH would fail on a non-array)."""

    function = "JSON_ARRAY_LENGTH"
    template = (
        "(CASE WHEN JSON_TYPE(%(expressions)s) = 'array' "
        "THEN %(function)s(%(expressions)s) ELSE 0 END)"
    )
    arity = 1
    output_field = PositiveIntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="JSONB_ARRAY_LENGTH",
            template=(
                "(CASE WHEN JSONB_TYPEOF(%(expressions)s) = 'array' "
                "THEN %(function)s(%(expressions)s) ELSE 0 END)"
            ),
            **extra,
        )
