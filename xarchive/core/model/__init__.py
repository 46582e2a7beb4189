"""The records of the archive, each field declared once: items with their pages and
provenance; annotations, tags and links; import runs and suggested links; what a
container's importer reads (posts, accounts, events, the files it holds); posts and
containers as the archive keeps them, and what posts say as evidence (captures of posts
and accounts, accounts, platform events). The store (store/) reads and writes them.

An item's fields are declared in three groups, and each record of an item is made of
the groups it needs (fields are keywords, in any order):

- `ItemFields`, what an item says of itself: kind, media type, title, language,
  dates, author, address, OCR status, warnings and the format's own metadata;
- `ItemText`, its text a page at a time, with the pages and words OCR read;
- `ItemOrigin`, the original it is (SHA-256, name, path, size) and the import that
  brought it (when, which run, from which folder).

`Extracted` (what an importer found in one file) is fields and text; `NewItem` (an
item about to be written) is an `Extracted` with its origin, made by `NewItem.of`;
`Item` (an item of the archive) is fields and origin with its id, page count and
whether the index holds it — its pages are read apart (`Page`). The store writes and
reads these records (store/items.py names its columns after their fields). What a
person searches an item by is a part of two groups, `SearchedFields` of `ItemFields`
(kind, title, language, dates, author, address, OCR status) and `SearchedOrigin` of
`ItemOrigin` (the original's name, when it was imported): the search index's
`IndexDocument` is made of those two with what only the index has, and takes their
values from an `Item` by name (`shared_values`, in indexing.py). A post's fields are
declared once the same way (`PostFields`), of which `ExtractedPost` (read from a
container) and `Post` (kept by the archive) are made.

The records are plain values: they know nothing of SQL, the index or the files on
disk, so that every layer of the core can pass them (import-linter's `core-layers`
puts this module beneath the store and the importers).

The records live in one module per theme (items, what an import makes of a file in
extracted, annotations, runs, containers, posts, evidence; the search fields' words in
vocabulary), each loaded when one of its names is first asked for: `xarchive search`
needs the items, not the forty other records (their methods, which dataclasses write
out and compile, were a sixth of the command's start; issue 10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:
    from .annotations import Annotation, Attached, Box, ItemTag, Link, Tag, TagCount, TextSpan
    from .containers import (
        RECORD_MEDIA_TYPE,
        VIDEO_TYPES,
        Contained,
        ContainerPart,
        ExtractedAccount,
        ExtractedContainer,
        ExtractedEvent,
        ExtractedPost,
        MediaRef,
        RecordProblem,
        StagedMedia,
        canonical_json,
        media_id,
        platform_id,
        sha256_of,
    )
    from .evidence import (
        AccountCaptureRow,
        AccountRow,
        BundledCapture,
        CaptureRow,
        EventRow,
        PostKey,
        UnknownCapture,
        Withheld,
        handle_key,
    )
    from .extracted import Extracted, ItemText, NewItem
    from .items import (
        KINDS,
        Item,
        ItemFields,
        ItemOrigin,
        Page,
        SearchedFields,
        SearchedOrigin,
        Source,
        field_names,
        record_values,
        shared_values,
    )
    from .posts import (
        Container,
        MissingMedia,
        NewContainer,
        Post,
        PostFields,
        PostIndexFields,
        PostMedia,
        PostSource,
    )
    from .runs import FileState, Found, ImportRun, Suggestion
    from .vocabulary import ACCOUNT_ACTIONS, POST_ACTIONS, POST_CHANGES, POST_FLAGS, POST_HAS

#: Each record's module, loaded when one of its names is first asked for.
_MODULES = {
    ".items": (
        "KINDS",
        "SearchedFields",
        "ItemFields",
        "SearchedOrigin",
        "ItemOrigin",
        "Item",
        "record_values",
        "field_names",
        "shared_values",
        "Page",
        "Source",
    ),
    ".extracted": (
        "ItemText",
        "Extracted",
        "NewItem",
    ),
    ".annotations": (
        "TextSpan",
        "Box",
        "Annotation",
        "Tag",
        "TagCount",
        "ItemTag",
        "Link",
        "Attached",
    ),
    ".runs": (
        "ImportRun",
        "FileState",
        "Suggestion",
        "Found",
    ),
    ".vocabulary": (
        "POST_FLAGS",
        "POST_ACTIONS",
        "ACCOUNT_ACTIONS",
        "POST_HAS",
        "POST_CHANGES",
    ),
    ".containers": (
        "RECORD_MEDIA_TYPE",
        "canonical_json",
        "sha256_of",
        "platform_id",
        "media_id",
        "ExtractedAccount",
        "ExtractedEvent",
        "VIDEO_TYPES",
        "MediaRef",
        "ExtractedPost",
        "StagedMedia",
        "Contained",
        "ContainerPart",
        "RecordProblem",
        "ExtractedContainer",
    ),
    ".posts": (
        "PostFields",
        "Container",
        "NewContainer",
        "PostMedia",
        "PostSource",
        "Post",
        "MissingMedia",
        "PostIndexFields",
    ),
    ".evidence": (
        "CaptureRow",
        "UnknownCapture",
        "BundledCapture",
        "AccountRow",
        "AccountCaptureRow",
        "EventRow",
        "PostKey",
        "handle_key",
        "Withheld",
    ),
}

__getattr__ = lazy_names(__name__, {n: m for m, names in _MODULES.items() for n in names})

__all__ = [
    "ACCOUNT_ACTIONS",
    "AccountCaptureRow",
    "AccountRow",
    "Annotation",
    "Attached",
    "Box",
    "BundledCapture",
    "CaptureRow",
    "Contained",
    "Container",
    "ContainerPart",
    "EventRow",
    "Extracted",
    "ExtractedAccount",
    "ExtractedContainer",
    "ExtractedEvent",
    "ExtractedPost",
    "FileState",
    "Found",
    "ImportRun",
    "Item",
    "ItemFields",
    "ItemOrigin",
    "ItemTag",
    "ItemText",
    "KINDS",
    "Link",
    "MediaRef",
    "MissingMedia",
    "NewContainer",
    "NewItem",
    "POST_ACTIONS",
    "POST_CHANGES",
    "POST_FLAGS",
    "POST_HAS",
    "Page",
    "Post",
    "PostFields",
    "PostIndexFields",
    "PostKey",
    "PostMedia",
    "PostSource",
    "RECORD_MEDIA_TYPE",
    "RecordProblem",
    "SearchedFields",
    "SearchedOrigin",
    "Source",
    "StagedMedia",
    "Suggestion",
    "Tag",
    "TagCount",
    "TextSpan",
    "UnknownCapture",
    "VIDEO_TYPES",
    "Withheld",
    "canonical_json",
    "field_names",
    "handle_key",
    "media_id",
    "platform_id",
    "record_values",
    "sha256_of",
    "shared_values",
]
