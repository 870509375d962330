"""Tags as seed 001's ``ApiTag``: dimension and definition ids stable per key / value within a business.

The ids are UUIDv5 names of (business, key[, value]), so the same key or value always gets the
same id without a lookup table, and two businesses never share one.
"""

import uuid
from dataclasses import dataclass

from ledgerline.domain.journal import Tag

TAGS_NAMESPACE = uuid.UUID("2d4c8f6e-1b3a-4e5f-9a7b-6c5d4e3f2a1b")


@dataclass(frozen=True)
class TagIds:
    """A tag's own id, and the ids of its dimension and definition."""

    id: str
    dimension_id: str
    definition_id: str


def tag_ids(business_id: str, owner_id: str, tag: Tag) -> TagIds:
    """Stable ids: the dimension per (business, key), the definition per (business, key, value)."""
    return TagIds(
        id=str(uuid.uuid5(TAGS_NAMESPACE, f"tag|{owner_id}|{tag.key}|{tag.value}")),
        dimension_id=str(uuid.uuid5(TAGS_NAMESPACE, f"dimension|{business_id}|{tag.key}")),
        definition_id=str(uuid.uuid5(TAGS_NAMESPACE, f"definition|{business_id}|{tag.key}|{tag.value}")),
    )
