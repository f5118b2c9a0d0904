"""Save what every public page and API response says, to compare two versions of the code.

    DATABASE_URL=postgres://…/db python bench/snapshot.py OUT_DIR [--limit 1500]
    diff -r BEFORE_DIR AFTER_DIR

Crawls the portal in-process (Django's test client, production settings) from the
home page, the directory, search, the feeds, the sitemap and the API root, following
every local link, and writes each response's status, content type and body to one
file per URL. HTML is saved with runs of whitespace collapsed, so a refactor that
only moves markup between templates compares equal; everything else byte for byte.
Run it from the root of the checkout whose code you want to snapshot.
"""

import argparse
import hashlib
import json
import os
import re
import sys
from collections import deque
from pathlib import Path

SEEDS = [
    "/",
    "/partners/",
    "/partners/?kind=nhs_trust",
    "/partners.csv",
    "/ics.csv",
    "/search/?q=leeds",
    "/search/?q=trust",
    "/search/?q=board&kind=board",
    "/search.csv?q=leeds",
    "/feeds/published.atom",
    "/feeds/published.rss",
    "/sitemap.xml",
    "/robots.txt",
    "/api/v1/",
    "/api/v1/schema/",
    "/ics/west-yorkshire/?as_at=2021-04-01",
    "/ics/west-yorkshire/?as_at=2023-08-07",
]
LINK = re.compile(r"""(?:href|src)="(/[^"#]*)\"""")
API_LINK = re.compile(r'"(?:https?://[^/"]+)?(/api/v1/[^"]*)"')
SKIP = re.compile(r"^/(static|admin|api/v1/docs|media)/")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--limit", type=int, default=1500)
    args = parser.parse_args()

    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ics_portal.test_settings")
    os.environ["API_ANON_THROTTLE_RATE"] = "1000000/minute"
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    args.out.mkdir(parents=True, exist_ok=True)
    seen, queue, index = set(SEEDS), deque(SEEDS), {}
    while queue and len(index) < args.limit:
        url = queue.popleft()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        content_type = response.get("Content-Type", "")
        text = body.decode("utf-8", "replace")
        if "html" in content_type:
            body = re.sub(r"\s+", " ", text).encode()
        name = hashlib.sha1(url.encode()).hexdigest()[:16]
        index[url] = name
        (args.out / name).write_bytes(f"{response.status_code} {content_type}\n".encode() + body)
        links = LINK.findall(text) + API_LINK.findall(text)
        for link in links:
            link = link.replace("&amp;", "&")
            if link not in seen and not SKIP.match(link) and "format=api" not in link:
                seen.add(link)
                queue.append(link)
    (args.out / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True))
    print(f"{len(index)} responses saved in {args.out}")


if __name__ == "__main__":
    main()
