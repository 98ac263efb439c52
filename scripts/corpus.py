"""Records the search engine's answers to a corpus of read requests, and replays them.

    python3 scripts/corpus.py record BASE_URL ADMIN_PASSWORD FILE
    python3 scripts/corpus.py replay BASE_URL ADMIN_PASSWORD FILE

`record` derives its requests from the data it finds (lists and searches with every filter and
sort, cursor pages, include= and fields=, lookups, facets, exports, the change feed, rankings and
refused queries), as an admin and as a partner, and writes each with its status, the headers a
client acts on and its body (a digest past 64 KiB), one JSON object per line. `replay` sends the
same requests and exits 1 when any answer differs by a byte, listing every difference.
"""

import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

HEADERS = ("content-type", "etag", "content-language", "vary", "allow", "www-authenticate")
VERBATIM = 64 * 1024


def send(base, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def answer(base, token, method, path, body=None):
    status, headers, raw = send(base, token, method, path, body)
    kept = {name: headers.get(name) for name in HEADERS if headers.get(name) is not None}
    text = raw.decode("utf-8", "replace")
    if len(raw) > VERBATIM:
        text = f"sha256:{hashlib.sha256(raw).hexdigest()} ({len(raw)} bytes)"
    return {"status": status, "headers": kept, "body": text}


def login(base, password):
    body = {"email": "admin@localhost", "password": password}
    request = urllib.request.Request(
        base + "/v1/auth/login", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())["access_token"]


def get_json(base, token, path):
    status, _, raw = send(base, token, "GET", path)
    assert status == 200, (path, status, raw[:300])
    return json.loads(raw)


def query(**params):
    pairs = []
    for name, value in params.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, str(one).lower() if isinstance(one, bool) else str(one)))
    return urllib.parse.urlencode(pairs)


def requests_for(base, token):
    """The corpus: (who, method, path, body) tuples, derived from what the directory holds."""
    taxonomy = get_json(base, token, "/v1/taxonomy")
    codes = [t["code"] for t in taxonomy if t.get("parent_code")][:40:8]
    categories = [t["code"] for t in taxonomy if not t.get("parent_code")][:3]
    sample = get_json(base, token, "/v1/organizations?sort=name&limit=100&include=capabilities,markets,certifications")
    firms = sample["items"]
    words = sorted({w.strip(".,()").lower() for f in firms for w in f["name"].split() if len(w) > 3 and w.isalpha()})[:12]
    words += ["teranga", "bao", "centre dakar", "back-office"]
    ids = [f["id"] for f in firms[:: max(1, len(firms) // 8)]][:8]
    markets = sorted({m["country"] for f in firms for m in f.get("markets", [])})[:4] or ["FR"]
    schemes = sorted({c["scheme"] for f in firms for c in f.get("certifications", [])})[:3] or ["iso_iec_27001"]
    registry = [f"{r['scheme']}:{r['value']}" for f in firms for r in f.get("registry_ids", [])][:3]
    domains = [urllib.parse.urlparse(f["website"]).hostname for f in firms if f.get("website")][:3]

    filters = {
        "kind": ["firm", "public_body", "association"],
        "status": ["published", "draft", "in_review"],
        "country": ["SN", "FR"],
        "region": ["Dakar", "Thiès"],
        "service": codes[:3] + categories[:1],
        "language": ["fr", "en", "wo"],
        "market": markets[:3],
        "certification": schemes[:2],
        "expired_certifications": [True, False],
        "min_seats": [10, 150],
        "min_fte": [5, 80],
        "employees_min": [50],
        "employees_max": [200],
        "founded_from": [2010],
        "founded_to": [2015],
        "verified": [True, False],
        "sample": ["include", "exclude", "only"],
        "updated_since": ["2026-01-01T00:00:00Z"],
    }
    lists = [{}]
    for name, values in filters.items():
        lists += [{name: value} for value in values]
    lists += [
        {"service": codes[:2]}, {"language": ["fr", "en"]}, {"market": markets[:2]},
        {"service": codes[0], "language": "fr"}, {"service": categories[0], "market": markets[0], "min_seats": 20},
        {"country": "SN", "kind": "firm", "verified": False, "employees_min": 10, "employees_max": 500},
        {"certification": schemes[0], "expired_certifications": True, "language": "en"},
    ]
    searches = [{"q": w} for w in words] + [
        {"q": words[0], "service": codes[0]}, {"q": words[1], "language": "fr"},
        {"q": f"{words[2]} {words[3]}"}, {"q": words[4][:4]}, {"q": "zzzzunknown"},
    ]
    corpus = []
    for params in lists:
        corpus.append(("admin", "GET", "/v1/organizations?" + query(**params), None))
        corpus.append(("admin", "GET", "/v1/organizations/facets?" + query(**params), None))
    for params in searches:
        corpus.append(("admin", "GET", "/v1/organizations?" + query(**params), None))
        corpus.append(("admin", "GET", "/v1/organizations?" + query(sort="relevance", **params), None))
        corpus.append(("admin", "GET", "/v1/organizations/facets?" + query(**params), None))
    for params in [{}, {"service": codes[0]}, {"q": words[0]}, {"language": "en", "min_seats": 50}]:
        for sort in ["name", "created", "updated"]:
            for order in ["asc", "desc"]:
                corpus.append(("admin", "GET", "/v1/organizations?" + query(sort=sort, order=order, **params), None))
    for params in [{}, {"service": codes[1]}, {"q": words[5]}, {"sort": "name", "order": "desc"}, {"market": markets[0]}]:
        for limit in [1, 7, 100]:
            corpus.append(("admin", "GET", "/v1/organizations?" + query(limit=limit, **params), None))
    for params in [{"limit": 50}, {"service": codes[0], "limit": 25}, {"sort": "name", "limit": 40},
                   {"q": words[0], "limit": 10}, {"q": words[1], "sort": "relevance", "limit": 10},
                   {"language": "fr", "sort": "updated", "order": "desc", "limit": 30}]:
        path = "/v1/organizations?" + query(**params)
        for _ in range(3):
            corpus.append(("admin", "GET", path, None))
            page = get_json(base, token, path)
            if not page.get("next_cursor"):
                break
            path = "/v1/organizations?" + query(cursor=page["next_cursor"], **params)
    everything = "capabilities,markets,certifications,relationships,programmes"
    for include in ["capabilities", everything, everything + ",contacts"]:
        corpus.append(("admin", "GET", "/v1/organizations?" + query(include=include, limit=20), None))
    for fields in ["name,city", "name,website,registry_ids", "id"]:
        corpus.append(("admin", "GET", "/v1/organizations?" + query(fields=fields, service=codes[0]), None))
    for id in ids:
        for params in [{}, {"include": everything}, {"fields": "name,country"}]:
            corpus.append(("admin", "GET", f"/v1/organizations/{id}?" + query(**params), None))
        corpus.append(("admin", "GET", f"/v1/organizations/{id}/capabilities", None))
    for value in registry:
        corpus.append(("admin", "GET", "/v1/organizations?" + query(registry_id=value), None))
        corpus.append(("admin", "GET", "/v1/organizations/export?" + query(registry_id=value), None))
    for value in domains:
        corpus.append(("admin", "GET", "/v1/organizations?" + query(domain=value), None))
    for params in [{}, {"service": codes[0]}, {"q": words[0]}, {"format": "csv", "language": "en"},
                   {"format": "csv"}, {"include": everything, "market": markets[0]}, {"fields": "name,city"}]:
        corpus.append(("admin", "GET", "/v1/organizations/export?" + query(**params), None))
    tip = 0
    for params in [{"after": 0}, {"after": 0, "limit": 1000, "include": everything}, {"after": 500, "limit": 50},
                   {"after": 5000, "limit": 200, "include": "capabilities"}]:
        corpus.append(("admin", "GET", "/v1/changes?" + query(**params), None))
        tip = max(tip, get_json(base, token, "/v1/changes?" + query(**params))["next_after"])
    feed = get_json(base, token, "/v1/changes?after=0&limit=1")
    for _ in range(4):
        path = f"/v1/changes?after={feed['next_after']}&limit=1000"
        corpus.append(("admin", "GET", path, None))
        feed = get_json(base, token, path)
    corpus.append(("admin", "GET", f"/v1/changes?after={10 ** 9}", None))
    needs = [
        {"services": [codes[0]]},
        {"services": [codes[0], codes[1]], "required_languages": ["fr"]},
        {"services": [categories[0]], "markets": markets[:2], "preferred_languages": ["en"]},
        {"services": [codes[2]], "min_capacity": {"amount": 40, "unit": "seats"}},
        {"services": [codes[0]], "required_certifications": schemes[:1], "start_date": "2027-03-01"},
        {"services": [codes[1]], "delivery_modes": ["offshore"], "preferred_certifications": schemes[:2]},
        {"services": [codes[3]], "min_capacity": {"amount": 10, "unit": "fte"}, "required_languages": ["en"]},
    ]
    for criteria in needs:
        # The corpus's firms are synthetic samples, which rankings leave out unless asked.
        for options in [{}, {"limit": 50}, {"include_excluded": True, "limit": 10},
                        {"weights": {"service_fit": 3, "spare_capacity": 0}}]:
            options = {**options, "include_samples": True}
            corpus.append(("admin", "POST", "/v1/matches/preview", {"criteria": criteria, "options": options}))
    refused = ["limit=0", "limit=101", "sort=bogus", "country=S", "cursor=garbage", "min_seats=-1",
               "sort=relevance", "founded_from=2020&founded_to=2010", "service=nope.nothing",
               "updated_since=yesterday", "registry_id=ninea", "include=contacts,nope", "fields=nope",
               "registry_id=x&sort=relevance&q=a"]
    for params in refused:
        corpus.append(("admin", "GET", "/v1/organizations?" + params, None))
        corpus.append(("admin", "GET", "/v1/organizations/facets?" + params, None))
    for who_path in ["/v1/organizations", "/v1/organizations?status=draft", "/v1/organizations?sample=only",
                     "/v1/organizations?include=contacts", f"/v1/organizations?include={everything}&limit=50",
                     "/v1/organizations/facets", f"/v1/changes?after=0&include={everything}",
                     f"/v1/changes?after=0&include={everything},contacts", "/v1/organizations/export?format=csv"]:
        corpus.append(("partner", "GET", who_path, None))
    for params in lists[::3] + searches[::2]:
        corpus.append(("partner", "GET", "/v1/organizations?" + query(**params), None))
    for id in ids[:4]:
        corpus.append(("partner", "GET", f"/v1/organizations/{id}?include={everything}", None))
    corpus.append(("partner", "POST", "/v1/matches/preview",
                   {"criteria": needs[1], "options": {"include_samples": True}}))
    return corpus


def record(base, password, file):
    token = login(base, password)
    key = get_json_post(base, token, "/v1/api-keys", {"label": "corpus partner", "role": "partner"})["key"]
    tokens = {"admin": token, "partner": key}
    corpus = requests_for(base, token)
    with open(file, "w", encoding="utf-8") as out:
        out.write(json.dumps({"partner_key": key}) + "\n")
        for who, method, path, body in corpus:
            entry = {"who": who, "method": method, "path": path, "request": body}
            entry.update(answer(base, tokens[who], method, path, body))
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    statuses = {}
    for who, method, path, body in corpus:
        statuses[who] = statuses.get(who, 0) + 1
    print(f"recorded {len(corpus)} requests ({statuses}) in {file}")


def get_json_post(base, token, path, body):
    status, _, raw = send(base, token, "POST", path, body)
    assert status == 201, (path, status, raw[:300])
    return json.loads(raw)


def replay(base, password, file):
    with open(file, encoding="utf-8") as lines:
        header = json.loads(next(lines))
        entries = [json.loads(line) for line in lines]
    tokens = {"admin": login(base, password), "partner": header["partner_key"]}
    differences, reordered = 0, 0
    for entry in entries:
        now = answer(base, tokens[entry["who"]], entry["method"], entry["path"], entry["request"])
        if now["status"] == entry["status"] and now["body"] != entry["body"] and same_json(now["body"], entry["body"]):
            # Equal as JSON, in other bytes (key order): counted apart, with the tag it moves.
            reordered += 1
            continue
        for part in ("status", "headers", "body"):
            if now[part] != entry[part]:
                differences += 1
                print(f"DIFFERS ({part}): {entry['who']} {entry['method']} {entry['path']}")
                print(f"  recorded: {str(entry[part])[:300]}")
                print(f"  now:      {str(now[part])[:300]}")
                break
    print(f"replayed {len(entries)} requests: {differences} differ"
          + (f", {reordered} more are the same JSON in other bytes" if reordered else ""))
    return 1 if differences or reordered else 0


def same_json(one, other):
    try:
        return json.loads(one) == json.loads(other)
    except ValueError:
        lines = [one.splitlines(), other.splitlines()]
        try:
            return len(lines[0]) == len(lines[1]) and all(
                json.loads(a) == json.loads(b) for a, b in zip(*lines))
        except ValueError:
            return False


if __name__ == "__main__":
    mode, base, password, file = sys.argv[1:5]
    sys.exit(record(base, password, file) if mode == "record" else replay(base, password, file))
