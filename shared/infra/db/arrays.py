"""`column = ANY($1)`: one array parameter for a list of any length.

`column.in_(values)` sends one parameter per value, so each list length is a new statement to
compile and prepare (a 10,000-row sync compiled a 10,000-parameter query per request).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def is_any_of(column: Any, values: Collection[str]) -> ColumnElement[bool]:
    """`column` equals one of `values` (text values), as `column = ANY(:values)`."""
    result: ColumnElement[bool] = column == any_(
        bindparam(None, list(values), type_=ARRAY(String()), unique=True)
    )
    return result
