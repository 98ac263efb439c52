"""Uses the Python client generated from openapi/openapi.json, unchanged, as a portal would.

Run by scripts/contract.sh with the generated package on sys.path:
    python client_check.py BASE_URL EMAIL PASSWORD
Every step asserts on what the generated models parsed; a response the spec does not
describe fails here, either as a parse error or as a wrong value.
"""

import sys
import uuid

from annuaire_client import AuthenticatedClient, Client
from annuaire_client.api.auth import login
from annuaire_client.api.capabilities import list_capabilities
from annuaire_client.api.organizations import (
    changes,
    create_organization,
    get_organization,
    list_organizations,
    update_organization,
)
from annuaire_client.models import (
    Changes,
    LoginRequest,
    Organization,
    OrganizationDetail,
    OrganizationFields,
    OrganizationKind,
    OrganizationPatch,
    PageCapability,
    PageOrganization,
    Problem,
    TokenPair,
)


def check(condition, message):
    if not condition:
        raise SystemExit(f"client check failed: {message}")


def main(base_url, email, password):
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    tokens = login.sync(client=anonymous, body=LoginRequest(email=email, password=password))
    check(isinstance(tokens, TokenPair), f"login answered {tokens!r}")
    client = AuthenticatedClient(base_url=base_url, token=tokens.access_token, raise_on_unexpected_status=True)

    # A filtered list, every page followed by its cursor.
    seen, cursor = [], None
    while True:
        page = list_organizations.sync(
            client=client, kind=[OrganizationKind.FIRM], service=["bpo"], limit=7, cursor=cursor or None
        )
        check(isinstance(page, PageOrganization), f"list answered {page!r}")
        seen.extend(org.id for org in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    check(len(seen) > 7, f"expected several pages of BPO firms, got {len(seen)}")
    check(len(seen) == len(set(seen)), "a firm came twice across pages")

    # One firm with its records.
    detail = get_organization.sync(seen[0], client=client)
    check(isinstance(detail, OrganizationDetail), f"get answered {detail!r}")
    check(detail.kind == OrganizationKind.FIRM, "the listed firm is not a firm")
    check(detail.capabilities, "a BPO firm lists no capability")
    check(any(c.service_code.startswith("bpo") for c in detail.capabilities), "no BPO capability")
    records = list_capabilities.sync(detail.id, client=client)
    check(isinstance(records, PageCapability), f"capabilities answered {records!r}")
    check(sorted(c.id for c in records.items) == sorted(c.id for c in detail.capabilities), "records differ")

    # Create, then merge-patch with If-Match; a stale tag is refused.
    name = f"Client check {uuid.uuid4().hex[:8]}"
    created = create_organization.sync_detailed(
        client=client, body=OrganizationFields(name=name, kind=OrganizationKind.FIRM, country="SN")
    )
    check(created.status_code == 201 and isinstance(created.parsed, Organization), f"create: {created.status_code}")
    first_tag = created.headers["etag"]
    changed = update_organization.sync_detailed(
        created.parsed.id, client=client, body=OrganizationPatch(city="Thiès"), if_match=first_tag
    )
    check(changed.status_code == 200 and isinstance(changed.parsed, Organization), f"patch: {changed.status_code}")
    check(changed.parsed.city == "Thiès" and changed.parsed.version == 2, "the patch did not apply")
    stale = update_organization.sync_detailed(
        created.parsed.id, client=client, body=OrganizationPatch(city="Dakar"), if_match=first_tag
    )
    check(stale.status_code == 412 and isinstance(stale.parsed, Problem), f"stale tag: {stale.status_code}")

    # The change feed from position 0 to its tip holds the new firm as it is now.
    mirror, after = {}, 0
    while True:
        feed = changes.sync(client=client, after=after, limit=50)
        check(isinstance(feed, Changes), f"changes answered {feed!r}")
        for change in feed.items:
            check(change.position > after, "the feed went backwards")
            if change.tombstone:
                mirror.pop(change.organization_id, None)
            else:
                mirror[change.organization_id] = change.organization
        after = feed.next_after
        if not feed.has_more:
            break
    check(created.parsed.id in mirror, "the created firm is not in the feed")
    check(mirror[created.parsed.id].city == "Thiès", "the feed holds a stale representation")
    print(f"client check passed: {len(seen)} listed, {len(mirror)} mirrored")


if __name__ == "__main__":
    main(*sys.argv[1:4])
