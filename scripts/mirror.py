"""Full sync of the change feed from position 0, as a partner portal's mirror makes it.

    python3 scripts/mirror.py BASE_URL TOKEN INCLUDE [LIMIT]

Follows `next_after` until `has_more` is false, one request at a time, and prints one line:
live firms, pages, bytes, seconds, firms per second and MB per second, and the tip position.
"""

import json
import sys
import time
import urllib.request


def main(base, token, include, limit="1000"):
    after, pages, received, live = 0, 0, 0, set()
    started = time.monotonic()
    while True:
        url = f"{base}/v1/changes?after={after}&limit={limit}&include={include}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request) as response:
            body = response.read()
        received += len(body)
        pages += 1
        page = json.loads(body)
        for change in page["items"]:
            if change["tombstone"]:
                live.discard(change["organization_id"])
            else:
                live.add(change["organization_id"])
        after = page["next_after"]
        if not page["has_more"]:
            break
    seconds = time.monotonic() - started
    print(
        f"{len(live)} firms, {pages} pages, {received / 1e6:.1f} MB in {seconds:.1f} s: "
        f"{len(live) / seconds:,.0f} firms/s, {received / 1e6 / seconds:.1f} MB/s; tip {after}"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
