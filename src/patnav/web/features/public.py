"""The public results catalogue (成果发布，公开, ``routers/public.py``): the publications
marked ``public``, for visitors who have not signed in — no viewer, no access rules beyond
``visibility == "public"``, nothing of the tenant's inside (who published, which report,
store or spec, how often downloaded)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from patnav.errors import NotFoundError
from patnav.platform import access, audit, files
from patnav.platform.models import Publication
from patnav.web.features.catalogue import matching, split_tags

ATOM = "http://www.w3.org/2005/Atom"


def search_public(
    db: Session,
    text: str | None = None,
    *,
    tag: str | None = None,
    type: str | None = None,
    limit: int = 100,
) -> list[Publication]:
    """The public catalogue, readable without signing in: the newest public version of
    each series, newest first, when it matches the search (the same search as
    :func:`~patnav.web.features.catalogue.search_publications`, restricted to
    ``visibility == "public"``)."""
    public = Publication.visibility == "public"
    series = func.coalesce(Publication.series_id, Publication.id)
    newest = (
        select(func.max(Publication.id))
        .where(public)
        .group_by(series)
        .scalar_subquery()
    )
    statement = matching(
        select(Publication).where(Publication.id.in_(newest)), text, tag=tag, type=type
    )
    return list(db.scalars(statement.order_by(Publication.id.desc()).limit(limit)))


def public_feed(db: Session, *, limit: int = 100) -> list[Publication]:
    """Every public publication (each version an entry), newest first."""
    return list(
        db.scalars(
            select(Publication)
            .where(Publication.visibility == "public")
            .order_by(Publication.created_at.desc(), Publication.id.desc())
            .limit(limit)
        )
    )


def get_public(db: Session, publication_id: int) -> Publication:
    """A public publication.

    Raises:
        NotFoundError: no such publication, or it is not public.
    """
    found = (
        db.get(Publication, publication_id)
        if access.is_valid_id(publication_id)
        else None
    )
    if found is None or found.visibility != "public":
        raise NotFoundError(f"No public publication {publication_id}.")
    return found


def public_file(
    db: Session, publication_id: int, *, root: Path, ip: str | None
) -> tuple[Path, str, str]:
    """A public publication's file for an anonymous download (counted and audited)."""
    publication = get_public(db, publication_id)
    path = files.resolve(root, publication.filename)
    publication.downloads += 1
    audit.record(
        db,
        "download",
        tenant_id=publication.tenant_id,
        object_type="publication",
        object_id=publication.id,
        ip=ip,
        detail={"public": True},
    )
    db.commit()
    return path, publication.download_name, publication.content_type


def _stamp(moment: datetime) -> str:
    """A stored (naive UTC) time as an RFC 3339 date-time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(
    publications: list[Publication],
    *,
    base: str,
    title: str,
    tenants: dict[int, str],
    lang: str,
) -> bytes:
    """An RFC 4287 feed of ``publications`` (already newest first). Ids are the stable
    URLs of the public pages; the feed is ``updated`` when its newest entry was (now when
    there is none)."""
    ET.register_namespace("", ATOM)

    def sub(
        parent: ET.Element, name: str, text: str | None = None, **attrs: str
    ) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(
        f"{{{ATOM}}}feed",
        {
            "{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"
            if lang == "zh"
            else "en"
        },
    )
    sub(root, "id", f"{base}/public/feed.atom")
    sub(root, "title", title)
    newest = max((p.created_at for p in publications), default=None)
    sub(root, "updated", _stamp(newest or datetime.now(UTC)))
    sub(
        root,
        "link",
        rel="self",
        type="application/atom+xml",
        href=f"{base}/public/feed.atom",
    )
    sub(root, "link", rel="alternate", type="text/html", href=f"{base}/public")
    sub(root, "generator", "patnav")
    for publication in publications:
        entry = sub(root, "entry")
        url = f"{base}/public/{publication.id}"
        sub(entry, "id", url)
        sub(entry, "title", publication.title)
        sub(entry, "updated", _stamp(publication.created_at))
        sub(entry, "published", _stamp(publication.created_at))
        author = sub(entry, "author")
        sub(author, "name", tenants.get(publication.tenant_id) or "patnav")
        if publication.summary:
            sub(entry, "summary", publication.summary)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(
            entry,
            "link",
            rel="enclosure",
            type=publication.content_type,
            length=str(publication.size),
            href=f"{url}/download",
        )
        for tag in split_tags(publication.tags):
            sub(entry, "category", term=tag)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text
