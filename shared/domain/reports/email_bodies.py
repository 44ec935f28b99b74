"""What every report's email body shares: the address lists' limits and the formats.

Addresses are validated by `shared.recipients`, not here, so an error can name the entry.
"""

from __future__ import annotations

from typing import Literal

from shared.domain.addresses import AddressField

Address = AddressField  # checked by shared.domain.addresses, so errors can name the entry
MAX_LIST = 200  # bodies larger than this are refused by the schema, before any work
EmailFormat = Literal["csv", "xlsx", "pdf"]
