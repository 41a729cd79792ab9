#!/usr/bin/env python
"""`make bench`: the reader pages in three tiers against bare Django, on this machine (issue 13; docs/performance.md).

    make bench                                   # 10,000 articles; about five minutes on two cores
    make bench BENCH_ARGS="--quick"              # 2,000 articles, 2 s per address: a smoke run
    make bench BENCH_ARGS="--articles 100000"    # the scale run

1. Prepares a PostgreSQL database (masthead_bench_<N>, or BENCH_DATABASE_URL): migrate, load_demo, then
   published articles added with bulk_create until there are N (tests/load/loadtest.py's seed_articles:
   about 800 words, a hero picture and two inline pictures each, renditions made), each linked to one of
   the demo's initiatives. Idempotent: a second run reuses it.
2. In-process, with Django's test client and the page cache off: queries per request for every page
   (warm, and with a cache that keeps nothing: the most a page ever does), the article page's median
   server time, archive page 1 against a deep page, search p95 and the plan's use of the GIN index, a
   complaint naming 1,000 addresses validated by the complaint form, and a pyinstrument profile of warm
   article pages searched for image work.
3. Serves the site with the bench settings (tests/benchmarks/settings.py: the site plus two bare-Django
   reference views) under gunicorn, 2 sync workers, DEBUG off, on loopback, in three tiers:
   - origin: no page cache (PAGE_CACHE_SECONDS=0); what the views keep in Django's cache framework
     (cache.get_or_set under the content version) is kept, as in production;
   - origin, nothing cached: the same with Django's DummyCache, so every request is a miss that does all
     of its work (recommendations computed afresh);
   - page cache: the origin's fallback page cache on Django's cache framework (Redis when it answers,
     else local memory);
   - Varnish: varnishd with the repository's VCL (tests/varnish.py) in front of the origin, which purges it
     (EDGE_PURGE_URLS).
   wrk drives each page for a few seconds (the article page rotates over 300 addresses with a Lua script);
   the two reference views are measured straight at gunicorn at the start and the end of every tier.
4. Through Varnish: the time from an officer's withhold (editorial.newsroom.workflow.withhold, run in a child
   process against the bench database, its purge task run at once) to the first 451 at the edge, 20 tries.
5. Prints one table (requests/s, p50 and p99, each as a ratio to the reference views of its own tier) and
   the goals of issue 13 beside the figures; everything also goes to --json. At the end, the run's cache
   keys are deleted from Redis by their prefix (SCAN + DEL); the database is never flushed.

Needs PostgreSQL on 127.0.0.1 (DATABASE_URL rules as for the site), wrk (installed with apt-get when
missing) and, for the Varnish tier, Debian's varnish and varnish-modules (the tier is skipped, saying why,
without them). Loopback only; every load is bounded in time and in requests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.load.loadtest import (  # noqa: E402 - after the path is set
    LOOPBACK,
    SEARCH_WORDS,
    WRK_SCRIPT,
    Http,
    database_name,
    ensure_database,
    free_port,
    parse_wrk,
    run,
    serve_gunicorn,
    stop,
)

PYTHON = sys.executable
SETTINGS = "tests.benchmarks.settings"
PAGES = ["article", "home", "archive", "initiative", "rss", "search"]
REFERENCES = ["bare_constant", "bare_article"]
TIERS = {
    "origin": "origin, no page cache",
    "origin_cold": "origin, nothing cached",
    "page_cache": "origin, page cache",
    "varnish": "Varnish",
}
LABELS = {
    "article": "article page",
    "home": "home",
    "archive": "archive, page 1",
    "initiative": "initiative page",
    "rss": "RSS feed",
    "search": "search",
    "bare_constant": "bare Django: constant",
    "bare_article": "bare Django: article by pk",
}
# Issue 13's goals: (tier, page) -> (reference, least ratio).
GOALS = {
    ("origin", "article"): ("bare_article", 0.16),
    ("origin", "home"): ("bare_article", 0.10),
    ("origin", "archive"): ("bare_article", 0.10),
    ("origin", "initiative"): ("bare_article", 0.10),
    ("origin", "rss"): ("bare_article", 0.10),
    # The same goals with a cache that keeps nothing: every request a miss, recommendations computed afresh.
    ("origin_cold", "article"): ("bare_article", 0.16),
    ("origin_cold", "home"): ("bare_article", 0.10),
    ("origin_cold", "archive"): ("bare_article", 0.10),
    ("origin_cold", "initiative"): ("bare_article", 0.10),
    ("origin_cold", "rss"): ("bare_article", 0.10),
    ("varnish", "article"): ("bare_constant", 2.5),
    ("varnish", "home"): ("bare_constant", 2.5),
}
REFERENCE_NAMES = {"bare_article": "bare article", "bare_constant": "constant"}
WITHHOLD_TRIES = 20
WITHHOLD_LIMIT_S = 1.0  # issue 13, point 4: a withhold answers 451 through Varnish within one second
ROTATE = 300  # addresses the article page (and the bare article view) rotate over
DEEP_PAGE = 1000
PAGE_SIZE = 20
IMAGE_WORK = ("make_renditions", "render_rendition", "clean_upload", "PIL/")
# Settings of the machinery issue 13 removes: never passed on, whatever the caller's environment holds.
REMOVED_ENV = {"PAGE_CACHE_CHANGE_FEED", "DATABASE_PREPARED_STATEMENTS", "READER_MEMO_SECONDS"}


# -- preparing ------------------------------------------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("== wrk is missing: installing Debian's package (apt-get install -y wrk)")
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else [])
    for command in (["apt-get", "install", "-y", "wrk"], ["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        subprocess.run([*sudo, *command], check=False, capture_output=True)
        if shutil.which("wrk"):
            return
    raise SystemExit("bench: wrk is needed and could not be installed. Install it with: sudo apt-get install -y wrk")


def redis_answers(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or LOOPBACK, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def link_initiatives() -> int:
    """Run inside Django: give every article without an initiative one of the demo's (round robin)."""
    from articles.models import Article, Initiative

    initiatives = list(Initiative.objects.order_by("pk").values_list("pk", flat=True))
    if not initiatives:
        return 0
    through = Article.initiatives.through
    lonely = Article.objects.filter(initiatives__isnull=True).order_by("pk").values_list("pk", flat=True)
    rows = [through(article_id=pk, initiative_id=initiatives[pk % len(initiatives)]) for pk in lonely]
    through.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def prepare(args, env: dict[str, str]) -> None:
    name = database_name(env["DATABASE_URL"])
    print(f"== preparing {name}: migrate, load_demo, {args.articles:,} published articles")
    started = time.monotonic()
    ensure_database(env["DATABASE_URL"])
    prep = {**env, "TASKS_BACKEND": "immediate"}  # the demo's renditions are made now, as a worker would
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], prep)
    run([PYTHON, "manage.py", "load_demo", "--allow-production"], prep)
    code = (
        "import django, json\ndjango.setup()\n"
        "from tests.load.loadtest import seed_articles\nfrom tests.benchmarks.bench import link_initiatives\n"
        f"added = seed_articles({args.articles})\nlinked = link_initiatives()\n"
        "from django.db import connection\nconnection.cursor().execute('ANALYZE')\n"
        "print(json.dumps({'added': added, 'linked': linked}))"
    )
    result = json.loads(run([PYTHON, "-c", code], prep, timeout=3600).strip().splitlines()[-1])
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], prep)
    print(f"   {result['added']:,} articles added, {result['linked']:,} linked ({time.monotonic() - started:.0f} s)")


# -- in-process measurements (run in a child process: `bench.py --in-process`) ---------------------------------

# A cache that keeps nothing: every request does all its work, as the first one after a change does.
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def deep_archive_url(client, published, depth: int) -> str | None:
    """The archive `depth` pages deep, by whichever way the archive pages: a keyset cursor or ?page=."""
    try:
        from articles.listings import encode_cursor
    except ImportError:
        encode_cursor = None
    candidates = [f"/articles/?page={depth}"]
    if encode_cursor is not None:
        newest_first = published.order_by("-published_at", "-pk")
        candidates.insert(0, f"/articles/?before={encode_cursor(newest_first[(depth - 1) * PAGE_SIZE - 1])}")
    for url in candidates:
        if client.get(url).status_code == 200:
            return url
    return None


def in_process(config: dict) -> dict:
    import random

    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Initiative

    published = Article.objects.published()
    count = published.count()
    rng = random.Random(7)
    pks = list(published.values_list("pk", flat=True))
    sample = sorted(rng.sample(pks, min(ROTATE, len(pks))))
    slugs = dict(Article.objects.filter(pk__in=sample).values_list("pk", "slug"))
    pages = -(-count // PAGE_SIZE)
    # 1,000 pages deep when the archive has them; else four fifths of the way.
    depth = min(DEEP_PAGE, max(2, pages * 4 // 5))
    initiative = max(Initiative.objects.all(), key=lambda i: i.articles.count())
    urls = {
        "article": [f"/articles/{slugs[pk]}/" for pk in sample],
        "home": ["/"],
        "archive": ["/articles/"],
        "initiative": [initiative.get_absolute_url()],
        "rss": ["/feeds/rss/"],
        "search": [f"/search/?q={word}" for word in SEARCH_WORDS],
        "bare_constant": ["/bench/constant/"],
        "bare_article": [f"/bench/articles/{pk}/" for pk in sample],
    }
    client = Client(HTTP_HOST=LOOPBACK)

    def timed(url_list, n):
        times = []
        for i in range(n):
            url = url_list[i % len(url_list)]
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"bench: {url} answered {response.status_code}")
        return times

    def queries(url_list, n=5, warm=True):
        counts = []
        for url in url_list[:n]:
            if warm:
                client.get(url)  # what the cache framework keeps is warm, as on a busy site
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            counts.append(len(captured))
        return max(counts)

    result: dict = {"published": count, "urls": urls, "deep_page": depth, "initiative": initiative.slug}
    samples = config["samples"]
    with override_settings(PAGE_CACHE_SECONDS=0):
        result["queries"] = {page: queries(urls[page]) for page in PAGES + REFERENCES}
        with override_settings(CACHES=NO_CACHE):
            result["queries_cold"] = {page: queries(urls[page], warm=False) for page in PAGES}
            cold_ms = timed(urls["article"], samples // 2)
            result["article_cold_ms"] = {"p50": statistics.median(cold_ms), "p95": percentile(cold_ms, 95)}
        timed(urls["article"], len(urls["article"]))  # warm: every address once, as before the wrk runs
        article_ms = timed(urls["article"], samples)
        result["article_ms"] = {"p50": statistics.median(article_ms), "p95": percentile(article_ms, 95)}
        bare_ms = timed(urls["bare_article"], samples)
        result["bare_article_ms"] = {"p50": statistics.median(bare_ms), "p95": percentile(bare_ms, 95)}
        deep_url = deep_archive_url(client, published, depth)
        first = timed(urls["archive"], samples // 2)
        deep = timed([deep_url], samples // 2) if deep_url else []
        result["archive_ms"] = {
            "first": statistics.median(first),
            "deep": statistics.median(deep) if deep else None,
            "deep_url": deep_url,
        }
        search_ms = timed(urls["search"], samples)
        result["search_ms"] = {"p50": statistics.median(search_ms), "p95": percentile(search_ms, 95)}
        result["profile"] = profile(client, urls["article"], config["profile_path"])
    result["search_plan"] = search_plan(published, SEARCH_WORDS)
    result["complaint"] = complaint_validation(slugs, pks, rng)
    return result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def search_plan(published, words: list[str]) -> dict:
    """Which index finds each word's matches: the GIN index, or (for a word most articles contain) a walk
    of the publication-date index that stops after the newest SEARCH_RANK_WINDOW matches."""
    import re

    plans, used = {}, {}
    for word in words:
        plan = published.search(word).explain()
        plans[word] = plan
        scans = re.findall(r"Bitmap Index Scan on (\w+)|Index (?:Only )?Scan (?:Backward )?using (\w+)", plan)
        used[word] = sorted({a or b for a, b in scans} - {"articles_article_pkey"})
    return {
        "uses_gin_index": any("articles_article_search_idx" in names for names in used.values()),
        "indexes": used,
        "plans": plans,
    }


def first_found(name: str, *modules: str):
    """`name` from the first of `modules` that has it."""
    import importlib

    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise SystemExit(f"bench: {name} is in none of {', '.join(modules)}")


def complaint_validation(slugs: dict, pks: list[int], rng) -> dict:
    """A complaint naming 1,000 addresses on this site, validated by the complaint form (editorial/forms.py)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    # The copyright desk's modules moved into editorial/copyright/ (STYLE.md, rooms by desk); either layout.
    resolve_urls = first_found("resolve_urls", "editorial.copyright.intake", "editorial.complaints")
    ComplaintForm = first_found("ComplaintForm", "editorial.copyright.forms", "editorial.forms")  # noqa: N806

    chosen = rng.sample(pks, min(1000, len(pks)))
    lines = [
        f"{settings.SITE_URL}/articles/{slug}/"
        for slug in Article.objects.filter(pk__in=chosen).values_list("slug", flat=True)
    ]
    text = "\n".join(lines)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        targets, errors = resolve_urls(text)
    resolve_ms = (time.perf_counter() - started) * 1000
    data = {
        "notifier_name": "Wang Fang",
        "notifier_organisation": "Lens Agency",
        "notifier_email": "bench@lens-agency.test",
        "notifier_phone": "+86 10 5555 0100",
        "notifier_address": "12 Harbour Road, Tianjin",
        "notifier_country": "China",
        "capacity": "rights_holder",
        "regime": "prc",
        "work_description": "My photographs of the harbour, used in many articles.",
        "original_location": "https://lens-agency.test/photos/harbour",
        "original_published_on": "2013-09-08",
        "first_publication_proof": "Our archive page carries the upload date.",
        "urls": text,
        "explanation": "The pictures were copied without permission.",
        "remedy": "remove",
        "statement_good_faith": "on",
        "statement_accuracy": "on",
        "statement_fair_use": "on",
        "signature": "Wang Fang",
        "website": "",
    }
    started = time.perf_counter()
    form = ComplaintForm(data=data)
    valid = form.is_valid()
    form_ms = (time.perf_counter() - started) * 1000
    return {
        "urls": len(lines),
        "resolved": len(targets),
        "errors": [str(e) for e in errors[:3]],
        "resolve_ms": resolve_ms,
        "resolve_queries": len(captured),
        "form_ms": form_ms,
        "form_valid": valid,
        "form_errors": {k: v[:1] for k, v in form.errors.items()} if not valid else {},
    }


def profile(client, url_list: list[str], path: str) -> dict:
    """pyinstrument over warm article pages (each already served once): what the time goes to, and no image work."""
    from pyinstrument import Profiler

    for url in url_list[:50]:
        client.get(url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(2):
        for url in url_list[:50]:
            client.get(url)
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=True)  # every frame: searched for image work
    Path(path).write_text(text)
    Path(path).with_suffix(".html").write_text(profiler.output_html())
    flat = profiler.output_text(unicode=False, color=False, flat=True)  # where the time is spent, by function
    Path(path).with_suffix(".flat.txt").write_text(flat)
    image_work = sorted({marker for marker in IMAGE_WORK if marker in text})
    return {"path": path, "image_work": image_work, "flat": flat[:6000]}


# -- from an officer's withhold to the first 451 at the edge (child process: `bench.py --withhold`) -------------


def edge_get(port: int, path: str) -> tuple[int, str]:
    """One GET through Varnish: the status and whether it was a hit (the VCL's X-Cache header)."""
    status, headers, _ = Http(port).request("GET", path)
    return status, headers.get("X-Cache", "")


def withhold_to_451(config: dict) -> dict:
    """`WITHHOLD_TRIES` times: an article page cached at the edge, an officer withholds the article through
    editorial.newsroom.workflow.withhold (its purge task runs at once: TASKS_BACKEND=immediate), and the page is
    asked for through Varnish every few milliseconds until it answers 451; then the article is restored."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from editorial.newsroom.roles import ROLE_COPYRIGHT_OFFICER
    from editorial.newsroom.workflow import restore, withhold

    edge_port = config["edge_port"]
    officer = get_user_model().objects.filter(groups__name=ROLE_COPYRIGHT_OFFICER, is_active=True).first()
    purging = bool(getattr(settings, "EDGE_PURGE_URLS", None))
    # Without a purge the page waits out its lifetime at the edge: one try shows it, more would only wait.
    tries = WITHHOLD_TRIES if purging else 1
    deadline_s = 10.0 if purging else 3.0
    # One untimed try first: a process that has just started pays for its first connection, imports and
    # templates, which an officer's request to a running server does not. It is kept in the result apart.
    slugs = config["slugs"][: tries + 1]
    result: dict = {"purge_configured": purging, "officer": officer.get_username() if officer else None, "tries": []}
    for slug in slugs:
        path = f"/articles/{slug}/"
        for _ in range(3):  # cached at the edge first, as a read page is
            if edge_get(edge_port, path) == (200, "HIT"):
                break
        cached = edge_get(edge_port, path)
        article = Article.objects.get(slug=slug)
        started = time.perf_counter()
        withhold(article, by=officer, note="bench: time to the edge", public_note="Withheld for the benchmark.")
        returned = time.perf_counter() - started
        seen, status = None, 0
        while time.perf_counter() - started < deadline_s:
            status, _ = edge_get(edge_port, path)
            if status == 451:
                seen = time.perf_counter() - started
                break
            time.sleep(0.002)
        restore(Article.objects.get(pk=article.pk), by=officer, note="bench: restored after timing")
        result["tries"].append(
            {
                "slug": slug,
                "cached_before": cached == (200, "HIT"),
                "withhold_returned_s": returned,
                "first_451_s": seen,
                "last_status": status,
            }
        )
    result["warm_up"] = result["tries"].pop(0)
    seen = [t["first_451_s"] for t in result["tries"] if t["first_451_s"] is not None]
    result["seen"] = len(seen)
    result["median_s"] = statistics.median(seen) if seen else None
    result["worst_s"] = max(seen) if len(seen) == len(result["tries"]) else None
    result["cached_before"] = sum(t["cached_before"] for t in result["tries"])
    return result


# -- serving and loading ----------------------------------------------------------------------------------------


class EdgeMissing(Exception):
    """Varnish cannot run here (no varnishd, or no xkey vmod): the tier is skipped, saying why."""


def start_edge(backend_port: int):
    """varnishd with the repository's VCL in front of the origin, started by the tests' own helper."""
    import pytest

    from tests.varnish import start_varnish

    try:
        return start_varnish(backend_port, LOOPBACK)
    except pytest.skip.Exception as skipped:  # the helper skips a test where Debian's package is missing
        raise EdgeMissing(str(skipped.msg)) from None


def serve(env: dict[str, str], port: int, workers: int, log: Path, ready_path: str = "/healthz") -> subprocess.Popen:
    try:
        return serve_gunicorn(env, port, workers, log, ready_path=ready_path)
    except RuntimeError as error:
        raise SystemExit(f"bench: {error}") from None


def load(port: int, paths: list[str], *, seconds: int, connections: int, threads: int, work: Path) -> dict:
    script = work / "paths.lua"
    script.write_text(
        WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths), "max_per_thread": 30_000 * seconds}
    )
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    result = parse_wrk(run([*command, f"http://{LOOPBACK}:{port}/"], os.environ.copy(), timeout=seconds + 60))
    result["non_200"] = {code: n for code, n in result["statuses"].items() if code != "200"}
    return result


def warm(port: int, paths: list[str], *, rounds: int, header: str | None) -> bool | None:
    """Ask for every address `rounds` times (so that each worker, or the edge, holds it, as on a busy site);
    whether the next answer came from the cache `header` reports on (None when nothing is measured)."""
    client = Http(port)
    for _ in range(rounds):
        for path in paths:
            status = client.request("GET", path)[0]
            if status != 200:
                raise SystemExit(f"bench: {path} answered {status}")
    if header is None:
        return None
    return client.request("GET", paths[0])[1].get(header, "").lower() == "hit"


def tier(name: str, env: dict[str, str], args, urls: dict, work: Path, port: int) -> dict:
    """One tier: the reference views straight at gunicorn at the start and the end, every page in between
    (through Varnish in the Varnish tier); in the Varnish tier, the withhold timing at the end."""
    cached, edged = name == "page_cache", name == "varnish"
    # The fallback page cache only where there is no edge (issue 13, point 5); the bench says so explicitly.
    env = {**env, "BENCH_PAGE_CACHE_SECONDS": "300" if cached else "0"}
    if name == "origin_cold":
        env["BENCH_CACHE"] = "none"  # Django's DummyCache: nothing the origin computes is kept
    print(f"== {TIERS[name]}: gunicorn, {args.workers} sync workers{', varnishd in front' if edged else ''}")
    results: dict = {}
    with ExitStack() as running:
        page_port = port
        if edged:
            edge = start_edge(port)
            running.callback(edge.stop)
            env["EDGE_PURGE_URLS"] = edge.url + "/"
            page_port = edge.port
        # /healthz rightly fails a cache that keeps nothing; the constant view says the workers are up.
        ready = "/bench/constant/" if name == "origin_cold" else "/healthz"
        server = serve(env, port, args.workers, work / f"gunicorn-{name}.log", ready)
        running.callback(stop, server)
        for page in [*REFERENCES, *PAGES, *REFERENCES]:
            reference = page in REFERENCES
            header = None if reference else ("X-Cache" if edged else "X-Page-Cache" if cached else None)
            hit = warm(
                port if reference else page_port,
                urls[page],
                rounds=3 if header else 1,
                header=header,
            )
            result = load(
                port if reference else page_port,
                urls[page],
                seconds=args.seconds,
                connections=args.connections,
                threads=args.threads,
                work=work,
            )
            result["cached"] = hit
            results.setdefault(page, []).append(result)
            flag = f"  non-200: {result['non_200']}" if result["non_200"] else ""
            if hit is False:
                flag += f"  NOT a cache hit after warming ({header}): the origin's figure"
            print(f"   {LABELS[page]:<28} {result['rps']:>8.0f} req/s  p50 {result['p50_ms']:.2f} ms{flag}")
        measured = {page: combine(runs) for page, runs in results.items()}
        if edged:
            measured["withhold"] = time_withholds(env, edge.port, urls, work)
    return measured


def time_withholds(env: dict[str, str], edge_port: int, urls: dict, work: Path) -> dict:
    print(f"== from an officer's withhold to the first 451 through Varnish ({WITHHOLD_TRIES} tries)")
    config = work / "withhold.json"
    # Articles of the rotation, each cached at the edge by the load; the load is over, so nothing measured moves.
    slugs = [path.strip("/").split("/")[-1] for path in urls["article"]][::-1][: WITHHOLD_TRIES + 1]
    config.write_text(json.dumps({"edge_port": edge_port, "slugs": slugs}))
    # The officer's process: the site's settings with the edge's purge address, its tasks run at once.
    child = {**env, "TASKS_BACKEND": "immediate"}
    out = run([PYTHON, str(Path(__file__).resolve()), "--withhold", str(config)], child, timeout=900)
    result = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH_RESULT "))[13:])
    if not result["purge_configured"]:
        print("   the site has no EDGE_PURGE_URLS setting yet: nothing purges the edge")
    for n, one in enumerate([result["warm_up"], *result["tries"]]):
        seen = f"{one['first_451_s'] * 1000:.0f} ms" if one["first_451_s"] is not None else "not seen"
        what = "warm-up, not counted" if n == 0 else f"try {n}"
        print(f"   {what:<20} {one['slug'][:40]:<40} cached before: {one['cached_before']!s:<5} 451 after {seen}")
    return result


def combine(runs: list[dict]) -> dict:
    """One wrk result from several runs of the same address: means, with the spread of requests/s."""
    if len(runs) == 1:
        return runs[0]
    merged = {key: statistics.mean(r[key] for r in runs) for key in ("rps", "p50_ms", "p90_ms", "p99_ms", "max_ms")}
    merged["requests"] = sum(r["requests"] for r in runs)
    merged["rps_runs"] = [round(r["rps"]) for r in runs]
    merged["cached"] = runs[-1].get("cached")
    merged["non_200"] = {}
    for one in runs:
        for code, n in one["non_200"].items():
            merged["non_200"][code] = merged["non_200"].get(code, 0) + n
    return merged


def delete_run_keys(redis_url: str, prefix: str) -> int:
    """Delete this run's cache keys, found by their prefix (SCAN, never KEYS or FLUSHDB: the database may be
    shared). Django writes `<KEY_PREFIX>:<version>:<key>`."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    deleted, batch = 0, []
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        batch.append(key)
        if len(batch) == 500:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    return deleted


# -- the table ---------------------------------------------------------------------------------------------------


def references(measured: dict, tier_name: str | None = None) -> dict[str, float]:
    """Each reference view's requests/s: the mean of its runs in `tier_name` (the one a page was measured in,
    the fairer comparison on a shared machine), or in every tier."""
    tiers = [tier_name] if tier_name else list(measured)
    return {name: statistics.mean(n for t in tiers for n in measured[t][name]["rps_runs"]) for name in REFERENCES}


def ratio(measured: dict, tier_name: str, page: str, reference: str) -> float:
    return measured[tier_name][page]["rps"] / references(measured, tier_name)[reference]


def goal_text(tier_name: str, page: str, measured: dict) -> str:
    goal = GOALS.get((tier_name, page))
    if goal is None:
        return ""
    reference, least = goal
    met = ratio(measured, tier_name, page, reference) >= least
    return f"≥ {least:g} × {REFERENCE_NAMES[reference]}: {'met' if met else 'MISSED'}"


def table(report: dict) -> str:
    measured = report["measured"]
    inproc = report["in_process"]
    lines = [
        "| tier | page | requests/s | p50 ms | p99 ms | queries | × constant | × bare article | goal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    refs = references(measured)
    for name in REFERENCES:
        per_tier = [measured[t][name] for t in measured]
        runs = [n for r in per_tier for n in r["rps_runs"]]
        lines.append(
            f"| reference | {LABELS[name]} (runs: {', '.join(f'{n:,}' for n in runs)}) | {refs[name]:,.0f} | "
            f"{statistics.mean(r['p50_ms'] for r in per_tier):.2f} | "
            f"{statistics.mean(r['p99_ms'] for r in per_tier):.2f} | {inproc['queries'][name]} | "
            f"{refs[name] / refs['bare_constant']:.2f} | {refs[name] / refs['bare_article']:.2f} | |"
        )
    for tier_name in measured:
        for page in PAGES:
            r = measured[tier_name][page]
            notes = f" ({sum(r['non_200'].values())} not 200)" if r["non_200"] else ""
            if r.get("cached") is False:
                notes += " (not a cache hit)"
            counted = {"origin": inproc["queries"], "origin_cold": inproc["queries_cold"]}.get(tier_name, {})
            queries = counted.get(page, "")
            lines.append(
                f"| {TIERS[tier_name]} | {LABELS[page]}{notes} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | "
                f"{r['p99_ms']:.2f} | {queries} | {ratio(measured, tier_name, page, 'bare_constant'):.2f} | "
                f"{ratio(measured, tier_name, page, 'bare_article'):.2f} | {goal_text(tier_name, page, measured)} |"
            )
    return "\n".join(lines)


def targets(report: dict) -> list[tuple[str, str, bool | None]]:
    """Issue 13's goals and the in-process checks: (what, measured, met); met is None when not measured."""
    measured, inproc = report["measured"], report["in_process"]
    out: list[tuple[str, str, bool | None]] = []
    for (tier_name, page), (reference, least) in GOALS.items():
        what = f"{TIERS[tier_name]}: {LABELS[page]} ≥ {least:g} × bare Django's {REFERENCE_NAMES[reference]} view"
        if tier_name not in measured:
            out.append((what, f"not measured ({report['skipped'].get(tier_name, 'not run')})", None))
            continue
        value = ratio(measured, tier_name, page, reference)
        cached = measured[tier_name][page].get("cached")
        note = " (NOT a cache hit)" if cached is False else ""
        out.append((what, f"{value:.2f}{note}", value >= least))
    withheld = measured.get("varnish", {}).get("withhold")
    what = f"officer's withhold to the first 451 at the edge ({WITHHOLD_TRIES} tries), worst < {WITHHOLD_LIMIT_S:g} s"
    if withheld is None:
        out.append((what, f"not measured ({report['skipped'].get('varnish', 'not run')})", None))
    elif not withheld["purge_configured"]:
        out.append((what, "waits on the edge purge (no EDGE_PURGE_URLS setting in the site yet)", False))
    else:
        median = f"{withheld['median_s'] * 1000:.0f} ms" if withheld["median_s"] is not None else "never"
        worst = f"{withheld['worst_s'] * 1000:.0f} ms" if withheld["worst_s"] is not None else "not every time"
        out.append(
            (
                what,
                f"median {median}, worst {worst} ({withheld['seen']} of {len(withheld['tries'])} seen; "
                f"{withheld['cached_before']} cached at the edge before)",
                withheld["worst_s"] is not None and withheld["worst_s"] < WITHHOLD_LIMIT_S,
            )
        )
    cold = inproc["queries_cold"]["article"]
    out.append(("article page ≤ 8 queries with nothing cached", str(cold), cold <= 8))
    out.append(
        (
            "article page server time in-process (median; p95)",
            f"{inproc['article_ms']['p50']:.2f} ms; {inproc['article_ms']['p95']:.2f} ms warm, "
            f"{inproc['article_cold_ms']['p50']:.2f} ms; {inproc['article_cold_ms']['p95']:.2f} ms with nothing "
            f"cached (bare article {inproc['bare_article_ms']['p50']:.2f} ms)",
            None,
        )
    )
    archive = inproc["archive_ms"]
    if archive["deep"] is None:
        out.append(("archive: a deep page within 1.2 × page 1", "no deep page found", None))
    else:
        deep = archive["deep"] / archive["first"]
        out.append(
            (f"archive page {inproc['deep_page']:,} within 1.2 × page 1 (in-process)", f"{deep:.2f}", deep <= 1.2)
        )
    out.append(
        (
            f"search p95 < 50 ms in-process at {inproc['published']:,} articles, GIN index used",
            f"{inproc['search_ms']['p95']:.1f} ms; "
            f"index {'used' if inproc['search_plan']['uses_gin_index'] else 'NOT used'}",
            inproc["search_ms"]["p95"] < 50 and inproc["search_plan"]["uses_gin_index"],
        )
    )
    complaint = inproc["complaint"]
    out.append(
        (
            f"complaint naming {complaint['urls']:,} addresses validated < 1 s",
            f"form {complaint['form_ms']:.0f} ms (URL resolution {complaint['resolve_ms']:.0f} ms, "
            f"{complaint['resolve_queries']} queries, {complaint['resolved']:,} resolved)",
            complaint["form_ms"] < 1000 and complaint["form_valid"] and complaint["resolved"] == complaint["urls"],
        )
    )
    image_work = inproc["profile"]["image_work"]
    out.append(("no image work in the profile of warm article pages", ", ".join(image_work) or "none", not image_work))
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=None, help="published articles (default 10,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 articles, 2 s per address: a smoke run")
    parser.add_argument("--seconds", type=int, default=None, help="seconds of load per address (default 5)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1: the cores serve)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument(
        "--tiers", default=",".join(TIERS), help=f"which tiers to serve (default all: {','.join(TIERS)})"
    )
    parser.add_argument("--json", default=str(Path(tempfile.gettempdir()) / "masthead-bench.json"))
    parser.add_argument("--in-process", metavar="CONFIG", help=argparse.SUPPRESS)
    parser.add_argument("--withhold", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.in_process:
        config = json.loads(Path(args.in_process).read_text())
        print("BENCH_RESULT " + json.dumps(in_process(config)))
        return 0
    if args.withhold:
        config = json.loads(Path(args.withhold).read_text())
        print("BENCH_RESULT " + json.dumps(withhold_to_451(config)))
        return 0

    tiers = [t.strip() for t in args.tiers.split(",") if t.strip()]
    if unknown := set(tiers) - set(TIERS):
        raise SystemExit(f"bench: unknown tier(s) {', '.join(sorted(unknown))}; choose from {', '.join(TIERS)}")
    args.articles = args.articles or (2_000 if args.quick else 10_000)
    args.seconds = args.seconds or (2 if args.quick else 5)
    ensure_wrk()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", f"postgres://postgres@{LOOPBACK}:5432/masthead_bench_{args.articles}"
    )
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: BENCH_DATABASE_URL must name a PostgreSQL database")
    if urllib.parse.urlsplit(database_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("bench: loopback only; BENCH_DATABASE_URL must be on this machine")
    redis_url = os.environ.get("BENCH_REDIS_URL", f"redis://{LOOPBACK}:6379/9")
    if urllib.parse.urlsplit(redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("bench: loopback only; BENCH_REDIS_URL must be on this machine")
    use_redis = redis_answers(redis_url)

    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    media = Path(tempfile.gettempdir()) / f"{database_name(database_url)}-media"
    # This run's cache keys share one prefix, so that the end of the run deletes exactly them.
    key_prefix = f"bench-{secrets.token_hex(6)}"
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL", "REDIS_URL", "DATABASE_REPLICA_URL", "EDGE_PURGE_URLS"}
    env = {k: v for k, v in os.environ.items() if k not in dropped | REMOVED_ENV}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": f"{LOOPBACK},localhost",
            "SITE_URL": f"http://{LOOPBACK}:{port}",
            "DATABASE_URL": database_url,
            "CACHE_KEY_PREFIX": key_prefix,
            "TASKS_BACKEND": "database",
            "MEDIA_ROOT": str(media / "public"),
            "PRIVATE_MEDIA_ROOT": str(media / "private"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    if use_redis:
        env["REDIS_URL"] = redis_url
    started = time.monotonic()
    try:
        report = bench(args, env, tiers, work, port)
    finally:
        if use_redis:
            print(f"== deleted this run's {delete_run_keys(redis_url, key_prefix):,} cache keys ({key_prefix}:*)")
    report.update(
        {
            "cache": f"Redis ({redis_url}, key prefix {key_prefix})" if use_redis else "local memory",
            "seconds": round(time.monotonic() - started),
        }
    )
    Path(args.json).write_text(json.dumps(report, indent=2, default=str))

    print()
    print(
        f"Masthead bench, {report['date']}: {report['articles']:,} published articles, PostgreSQL, "
        f"cache framework in {'Redis' if use_redis else 'local memory'}, gunicorn {args.workers} sync workers, "
        f"wrk {report['wrk']} per address, {report['machine']}, load average before {report['load_average'][0]:.1f}"
    )
    print()
    print(report["table"])
    print()
    for what, value, met in report["targets"]:
        mark = "" if met is None else ("met" if met else "MISSED")
        print(f"  [{mark:<6}] {what}: {value}")
    for tier_name, why in report["skipped"].items():
        print(f"  {TIERS[tier_name]} tier skipped: {why}")
    print("  search plans, the index that finds the matches of each word:")
    for word, names in report["in_process"]["search_plan"]["indexes"].items():
        print(f"    {word}: {', '.join(names) or 'no index'}")
    print(f"  profile of warm article pages: {report['in_process']['profile']['path']} (and .html)")
    print(f"  details: {args.json}; server logs in {work}; {report['seconds']} s in all")
    return 0


def bench(args, env: dict[str, str], tiers: list[str], work: Path, port: int) -> dict:
    load_average = os.getloadavg()
    prepare(args, env)

    print("== in-process: queries, server time, archive depth, search, complaint, profile")
    config = work / "config.json"
    profile_path = work / "profile-article.txt"
    config.write_text(json.dumps({"samples": 100 if args.quick else 300, "profile_path": str(profile_path)}))
    out = run([PYTHON, str(Path(__file__).resolve()), "--in-process", str(config)], env, timeout=1800)
    inproc = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH_RESULT "))[13:])
    urls = inproc.pop("urls")

    measured, skipped = {}, {}
    for name in tiers:
        try:
            measured[name] = tier(name, env, args, urls, work, port)
        except EdgeMissing as missing:
            skipped[name] = str(missing)
            print(f"   skipped: {missing}")
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_average": load_average,
        "articles": inproc["published"],
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds}s",
        "workers": args.workers,
        "in_process": inproc,
        "measured": measured,
        "skipped": skipped,
    }
    report["table"] = table(report)
    report["targets"] = targets(report)
    return report


if __name__ == "__main__":
    sys.exit(main())
