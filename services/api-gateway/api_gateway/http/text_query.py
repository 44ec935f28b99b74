"""Free-text query parameters (searches and filters): any text except NUL.

PostgreSQL text cannot hold NUL (U+0000), so a search for it can match nothing and the driver
would refuse the query. Validation refuses it first, naming the parameter with the stable code
`nul_character`, and the document states the rule as a pattern, so a client (or a fuzzer) that
follows the document never meets the refusal.
"""

from __future__ import annotations

from typing import Any

from fastapi import Query
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

NO_NUL_PATTERN = "^[^\\x00]*$"
NUL_CODE = "nul_character"
NUL_MESSAGE = "text values cannot contain NUL characters (\\u0000)"


def _reject_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise PydanticCustomError(NUL_CODE, NUL_MESSAGE)
    return value


# Goes beside `text_query(...)` in the parameter's Annotated[...]: the check itself.
NO_NUL = AfterValidator(_reject_nul)


def text_query(
    max_length: int | None = None, *, min_length: int | None = None, description: str | None = None
) -> Any:
    """A `Query` whose document carries the no-NUL pattern (the check is `NO_NUL`: pydantic's
    own pattern error would say only "should match pattern")."""
    return Query(
        min_length=min_length,
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": NO_NUL_PATTERN},
    )
