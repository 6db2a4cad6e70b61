"""Domain validation: DNS TXT records and HTML files the emulator "sees" once published."""

from __future__ import annotations

import re
import secrets

from realmid.testing.errors import bad_request, conflict
from realmid.testing.ids import new_id
from realmid.testing.model import DomainVerification
from realmid.testing.store import Store

TXT_LABEL = "_realmid-challenge"
FILE_DIR = "/.well-known/realmid-verification"
METHODS = ("dns_txt", "html_file")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def normalize_hostname(value: str) -> str:
    """A lowercase DNS hostname without a trailing dot; anything else answers 400."""
    host = value.strip().lower().rstrip(".")
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(part) for part in labels):
        raise bad_request(f"{value!r} is not a valid hostname")
    return host


def claim(
    store: Store,
    *,
    realm_id: str,
    owner_type: str,
    owner_id: str,
    hostname: str,
    method: str = "dns_txt",
) -> DomainVerification:
    """Start (or repeat) a claim of ``hostname`` by a realm or a tenant.

    The same owner claiming again with the same method gets the same row back; a new
    method replaces a pending row. A hostname verified by another owner answers 409.
    """
    if method not in METHODS:
        raise bad_request(f"method must be one of {', '.join(METHODS)}")
    with store.lock:
        for row in store.verifications.values():
            if row.hostname != hostname or row.status != "verified":
                continue
            if (row.owner_type, row.owner_id) != (owner_type, owner_id):
                raise conflict(f"{hostname} is already verified by someone else")
        existing = find(store, owner_type, owner_id, hostname)
        if existing is not None and (existing.method == method or existing.status == "verified"):
            return existing
        token = secrets.token_urlsafe(24)
        row = DomainVerification(
            id=existing.id if existing is not None else new_id("dv"),
            realm_id=realm_id,
            owner_type=owner_type,
            owner_id=owner_id,
            hostname=hostname,
            method=method,
            token=token,
            record_name=f"{TXT_LABEL}.{hostname}",
            record_value=f"realmid-verification={token}",
            file_path=f"{FILE_DIR}/{token[:16]}.txt",
            file_content=f"realmid-verification={token}",
            status="pending",
            created_at=store.now(),
            seq=existing.seq if existing is not None else store.next_seq(),
        )
        store.verifications[row.id] = row
        return row


def find(store: Store, owner_type: str, owner_id: str, hostname: str) -> DomainVerification | None:
    """The owner's row for ``hostname``, if any."""
    for row in store.verifications.values():
        if (row.owner_type, row.owner_id, row.hostname) == (owner_type, owner_id, hostname):
            return row
    return None


def check(store: Store, row: DomainVerification) -> str:
    """Look for the published proof and return the row's outcome.

    ``verified`` (the row becomes verified), ``pending`` (no proof seen yet) or ``taken``
    (the proof is there but another owner verified the hostname first).
    """
    with store.lock:
        if row.status == "verified":
            return "verified"
        if row.method == "dns_txt":
            published = store.txt_records.get(row.record_name, [])
            seen = any(value.strip().strip('"') == row.record_value for value in published)
        else:
            content = store.files.get((row.hostname, row.file_path))
            seen = content is not None and content.strip() == row.file_content
        if not seen:
            return "pending"
        for other in store.verifications.values():
            if other.hostname == row.hostname and other.status == "verified":
                return "taken"
        row.status = "verified"
        row.verified_at = store.now()
        return "verified"


def verified_anchor(store: Store, realm_id: str, domain: str) -> DomainVerification | None:
    """The realm's verified row for ``domain`` itself or for an apex it is a subdomain of."""
    with store.lock:
        for row in store.verifications.values():
            if row.realm_id != realm_id or row.owner_type != "realm" or row.status != "verified":
                continue
            if domain == row.hostname or domain.endswith("." + row.hostname):
                return row
    return None
