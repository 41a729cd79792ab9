#!/usr/bin/env python
"""`make bench`: the reader pages against bare Django, at scale, on this machine (issue 7; docs/performance.md).

    make bench                                   # 10,000 articles; about four minutes on two cores
    make bench BENCH_ARGS="--quick"              # 2,000 articles, 2 s per address: a smoke run
    make bench BENCH_ARGS="--articles 100000"    # the scale run

1. Prepares a PostgreSQL database (masthead_bench_<N>, or BENCH_DATABASE_URL): migrate, load_demo, then
   published articles added with bulk_create until there are N (tests/load/loadtest.py's seed_articles),
   each linked to one of the demo's initiatives. Idempotent: a second run reuses it.
2. In-process, with Django's test client and the page cache off: queries per request for every page
   (CaptureQueriesContext), the article page's median server time, archive page 1 against a page 1,000
   pages deep, search p95 and the plan's use of the GIN index, a complaint naming 1,000 addresses
   validated by the complaint form, and a pyinstrument profile of warm article pages searched for image work.
3. Serves the site with the bench settings (tests/benchmarks/settings.py: the site plus two bare-Django
   reference views) under gunicorn, 2 sync workers, DEBUG off, on loopback: once without the page cache,
   once with it (Redis when it answers, else local memory), and once more for the article page and home
   with the change feed off (PAGE_CACHE_CHANGE_FEED=0: every hit checks its versions). From this process,
   wrk drives each page for a few seconds (the article page and search rotate over many addresses with a
   Lua script).
4. Prints one table: requests/s, p50 and p99 latency, queries per request, and each page's requests/s as
   a ratio to the two reference views measured in the same run; then the in-process figures against
   the issue's targets. Everything also goes to --json.

Needs PostgreSQL on 127.0.0.1 (DATABASE_URL rules as for the site) and wrk (installed with apt-get when
missing). Loopback only; every load is bounded in time and in requests.
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
PAGES = ["article", "home", "archive", "archive_deep", "initiative", "search", "rss"]
CHECKED_PAGES = ["article", "home"]  # the two with a target for the page cache
REFERENCES = ["bare_constant", "bare_article"]
LABELS = {
    "article": "article page",
    "home": "home",
    "archive": "archive, page 1",
    "archive_deep": "archive, deep page",
    "initiative": "initiative page",
    "search": "search",
    "rss": "RSS feed",
    "bare_constant": "bare Django: constant",
    "bare_article": "bare Django: article by pk",
}
ROTATE = 300  # addresses the article page (and the bare article view) rotate over
DEEP_PAGE = 1000
PAGE_SIZE = 20
IMAGE_WORK = ("make_renditions", "render_rendition", "clean_upload", "PIL/")


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


def in_process(config: dict) -> dict:
    import random

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Initiative
    from articles.views import encode_cursor

    published = Article.objects.published()
    count = published.count()
    rng = random.Random(7)
    pks = list(published.values_list("pk", flat=True))
    sample = sorted(rng.sample(pks, min(ROTATE, len(pks))))
    slugs = dict(Article.objects.filter(pk__in=sample).values_list("pk", "slug"))
    pages = -(-count // PAGE_SIZE)
    # 1,000 pages deep when the archive has them; else four fifths of the way (the last pages hold the
    # demo's articles with pictures, which would compare more than depth).
    depth = min(DEEP_PAGE, max(1, pages * 4 // 5))
    newest_first = published.order_by("-published_at", "-pk")
    deep_cursor = encode_cursor(newest_first[(depth - 1) * PAGE_SIZE - 1]) if depth > 1 else ""
    initiative = max(Initiative.objects.all(), key=lambda i: i.articles.count())
    urls = {
        "article": [f"/articles/{slugs[pk]}/" for pk in sample],
        "home": ["/"],
        "archive": ["/articles/"],
        "archive_deep": [f"/articles/?before={deep_cursor}" if deep_cursor else "/articles/"],
        "initiative": [initiative.get_absolute_url()],
        "search": [f"/search/?q={word}" for word in SEARCH_WORDS],
        "rss": ["/feeds/rss/"],
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
                client.get(url)  # the content state is warm, as on a busy site
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            counts.append(len(captured))
        return max(counts)

    result: dict = {"published": count, "urls": urls, "deep_page": depth, "initiative": initiative.slug}
    samples = config["samples"]
    with override_settings(PAGE_CACHE_SECONDS=0):
        result["queries"] = {page: queries(urls[page]) for page in PAGES + REFERENCES}
        timed(urls["article"], len(urls["article"]))  # warm: every address once, as before the wrk runs
        article_ms = timed(urls["article"], samples)
        result["article_ms"] = {"p50": statistics.median(article_ms), "p95": percentile(article_ms, 95)}
        with override_settings(READER_MEMO_SECONDS=0):
            cold_ms = timed(urls["article"], samples // 2)
            result["article_cold_ms"] = {"p50": statistics.median(cold_ms), "p95": percentile(cold_ms, 95)}
            cache.clear()
            result["article_cold_queries"] = queries(urls["article"], 1, warm=False)
        bare_ms = timed(urls["bare_article"], samples)
        result["bare_article_ms"] = {"p50": statistics.median(bare_ms), "p95": percentile(bare_ms, 95)}
        first = timed(urls["archive"], samples // 2)
        deep = timed(urls["archive_deep"], samples // 2)
        result["archive_ms"] = {"first": statistics.median(first), "deep": statistics.median(deep)}
        search_ms = timed(urls["search"], samples)
        result["search_ms"] = {"p50": statistics.median(search_ms), "p95": percentile(search_ms, 95)}
        result["profile"] = profile(client, urls["article"], config["profile_path"])
    with override_settings(PAGE_CACHE_SECONDS=300):
        result["queries_cached"] = {page: cached_queries(client, urls[page]) for page in PAGES}
    result["search_plan"] = search_plan(published, SEARCH_WORDS)
    result["complaint"] = complaint_validation(slugs, pks, rng)
    return result


def cached_queries(client, url_list) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = url_list[0]
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.get("X-Page-Cache") != "hit":
        raise SystemExit(f"bench: {url} was not served from the page cache the second time")
    return len(captured)


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


def complaint_validation(slugs: dict, pks: list[int], rng) -> dict:
    """A complaint naming 1,000 addresses on this site, validated by the complaint form (editorial/forms.py)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from editorial.complaints import resolve_urls
    from editorial.forms import ComplaintForm

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


# -- serving and loading ----------------------------------------------------------------------------------------


def serve(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    try:
        return serve_gunicorn(env, port, workers, log)
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


def phase(name, env, args, urls, work: Path, *, cached: bool, pages=PAGES, feed: bool = True) -> dict:
    env = {
        **env,
        "BENCH_PAGE_CACHE_SECONDS": "300" if cached else "0",
        "BENCH_PAGE_CACHE_CHANGE_FEED": "1" if feed else "0",
    }
    port = int(urllib.parse.urlsplit(env["SITE_URL"]).port)
    print(f"== {name}: gunicorn, {args.workers} sync workers")
    server = serve(env, port, args.workers, work / f"gunicorn-{name.replace(' ', '-')}.log")
    client = Http(port)
    results = {}
    try:
        # The references at the start and at the end: the machine is shared, and the mean of the two is fairer.
        for page in [*REFERENCES, *pages, *REFERENCES]:
            # Warm: every address, three times when the page cache is on, so that each worker has held and
            # checked its copy (what a busy site looks like), once otherwise.
            for path in urls[page] * (3 if cached and page in PAGES else 1):
                status = client.request("GET", path)[0]
                if status != 200:
                    raise SystemExit(f"bench: {path} answered {status}")
            if cached and page in PAGES:
                status, headers, _ = client.request("GET", urls[page][0])
                if headers.get("X-Page-Cache") != "hit":
                    raise SystemExit(f"bench: {urls[page][0]} was not served from the page cache after warming")
            result = load(
                port,
                urls[page],
                seconds=args.seconds,
                connections=args.connections,
                threads=args.threads,
                work=work,
            )
            results.setdefault(page, []).append(result)
            flag = f"  non-200: {result['non_200']}" if result["non_200"] else ""
            print(f"   {LABELS[page]:<28} {result['rps']:>8.0f} req/s  p50 {result['p50_ms']:.1f} ms{flag}")
    finally:
        stop(server)
    return {page: combine(runs) for page, runs in results.items()}


def combine(runs: list[dict]) -> dict:
    """One wrk result from several runs of the same address: means, with the spread of requests/s."""
    if len(runs) == 1:
        return runs[0]
    merged = {key: statistics.mean(r[key] for r in runs) for key in ("rps", "p50_ms", "p90_ms", "p99_ms", "max_ms")}
    merged["requests"] = sum(r["requests"] for r in runs)
    merged["rps_runs"] = [round(r["rps"]) for r in runs]
    merged["non_200"] = {}
    for one in runs:
        for code, n in one["non_200"].items():
            merged["non_200"][code] = merged["non_200"].get(code, 0) + n
    return merged


# -- the table ---------------------------------------------------------------------------------------------------


def references(measured: dict, phase: str | None = None) -> dict[str, float]:
    """Each reference view's requests/s: the mean of its runs in `phase` (the one a page was measured in,
    which is the fairer comparison on a shared machine), or in every phase."""
    phases = [phase] if phase else list(measured)
    return {name: statistics.mean(run for p in phases for run in measured[p][name]["rps_runs"]) for name in REFERENCES}


def table(report: dict) -> str:
    measured = report["measured"]
    refs = references(measured)
    queries = report["in_process"]["queries"]
    cached_queries = report["in_process"]["queries_cached"]
    lines = [
        "| page | page cache | requests/s | p50 ms | p99 ms | queries | × constant | × bare article |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in REFERENCES:
        per_phase = [measured[p][name] for p in measured if name in measured[p]]
        runs = [n for r in per_phase for n in r.get("rps_runs", [round(r["rps"])])]
        lines.append(
            f"| {LABELS[name]} (runs: {', '.join(f'{n:,}' for n in runs)}) | n/a | {refs[name]:,.0f} | "
            f"{statistics.mean(r['p50_ms'] for r in per_phase):.1f} | "
            f"{statistics.mean(r['p99_ms'] for r in per_phase):.1f} | {queries[name]} | "
            f"{refs[name] / refs['bare_constant']:.2f} | {refs[name] / refs['bare_article']:.2f} |"
        )
    for phase_name, mode, pages in (
        ("uncached", "off", PAGES),
        ("cached", "on", PAGES),
        ("checked", "on, no change feed", CHECKED_PAGES),
    ):
        phase_refs = references(measured, phase_name)
        for page in pages:
            r = measured[phase_name][page]
            label = LABELS[page]
            if page == "archive_deep":
                label = f"archive, page {report['in_process']['deep_page']:,}"
            errors = f" ({sum(r['non_200'].values())} not 200)" if r["non_200"] else ""
            lines.append(
                f"| {label}{errors} | {mode} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {(queries if mode == 'off' else cached_queries)[page]} | "
                f"{r['rps'] / phase_refs['bare_constant']:.2f} | {r['rps'] / phase_refs['bare_article']:.2f} |"
            )
    return "\n".join(lines)


def targets(report: dict) -> list[tuple[str, str, bool]]:
    """The issue's targets: (what, measured, met)."""
    measured, inproc = report["measured"], report["in_process"]

    def ratio(phase: str, page: str, reference: str) -> float:
        return measured[phase][page]["rps"] / references(measured, phase)[reference]

    article = ratio("uncached", "article", "bare_article")
    cached_article = ratio("cached", "article", "bare_constant")
    cached_home = ratio("cached", "home", "bare_constant")
    checked_article = ratio("checked", "article", "bare_constant")
    checked_home = ratio("checked", "home", "bare_constant")
    deep = inproc["archive_ms"]["deep"] / inproc["archive_ms"]["first"]
    deep_wrk = measured["uncached"]["archive"]["rps"] / measured["uncached"]["archive_deep"]["rps"]
    complaint = inproc["complaint"]
    image_work = inproc["profile"]["image_work"]
    return [
        ("article page, no page cache, ≥ 0.30 × bare article (aim 0.40)", f"{article:.2f}", article >= 0.30),
        ("article page queries ≤ 8", str(inproc["queries"]["article"]), inproc["queries"]["article"] <= 8),
        (
            "article page median server time < 3 ms in-process",
            f"{inproc['article_ms']['p50']:.2f} ms (p95 {inproc['article_ms']['p95']:.2f} ms; bare article "
            f"{inproc['bare_article_ms']['p50']:.2f} ms; with the recommendations computed afresh "
            f"{inproc['article_cold_ms']['p50']:.2f} ms, {inproc['article_cold_queries']} queries with a cold cache)",
            inproc["article_ms"]["p50"] < 3,
        ),
        (
            "article page, page cache on, ≥ 0.70 × constant (with the change feed; every hit checked)",
            f"{cached_article:.2f}; {checked_article:.2f}",
            cached_article >= 0.70,
        ),
        (
            "home, page cache on, ≥ 0.70 × constant (with the change feed; every hit checked)",
            f"{cached_home:.2f}; {checked_home:.2f}",
            cached_home >= 0.70,
        ),
        (
            f"archive page {inproc['deep_page']:,} within 1.2 × page 1 (in-process median; wrk)",
            f"{deep:.2f}; {deep_wrk:.2f}",
            deep <= 1.2,
        ),
        (
            f"search p95 < 50 ms in-process at {inproc['published']:,} articles, GIN index used",
            f"{inproc['search_ms']['p95']:.1f} ms; "
            f"index {'used' if inproc['search_plan']['uses_gin_index'] else 'NOT used'}",
            inproc["search_ms"]["p95"] < 50 and inproc["search_plan"]["uses_gin_index"],
        ),
        (
            f"complaint naming {complaint['urls']:,} addresses validated < 1 s",
            f"form {complaint['form_ms']:.0f} ms (URL resolution {complaint['resolve_ms']:.0f} ms, "
            f"{complaint['resolve_queries']} queries, {complaint['resolved']:,} resolved)",
            complaint["form_ms"] < 1000 and complaint["form_valid"] and complaint["resolved"] == complaint["urls"],
        ),
        (
            "no image work in the profile of warm article pages",
            "none" if not image_work else ", ".join(image_work),
            not image_work,
        ),
    ]


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
    parser.add_argument("--json", default=str(Path(tempfile.gettempdir()) / "masthead-bench.json"))
    parser.add_argument("--in-process", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.in_process:
        config = json.loads(Path(args.in_process).read_text())
        print("BENCH_RESULT " + json.dumps(in_process(config)))
        return 0

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
    use_redis = redis_answers(redis_url)

    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    media = Path(tempfile.gettempdir()) / f"{database_name(database_url)}-media"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL", "REDIS_URL", "DATABASE_REPLICA_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": f"{LOOPBACK},localhost",
            "SITE_URL": f"http://{LOOPBACK}:{port}",
            "DATABASE_URL": database_url,
            "CACHE_KEY_PREFIX": f"masthead-bench-{secrets.token_hex(4)}",
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
    prepare(args, env)

    print("== in-process: queries, server time, archive depth, search, complaint, profile")
    config = work / "config.json"
    profile_path = work / "profile-article.txt"
    config.write_text(json.dumps({"samples": 100 if args.quick else 300, "profile_path": str(profile_path)}))
    out = run([PYTHON, str(Path(__file__).resolve()), "--in-process", str(config)], env, timeout=1800)
    inproc = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH_RESULT "))[13:])
    urls = inproc.pop("urls")

    measured = {
        "uncached": phase("without the page cache", env, args, urls, work, cached=False),
        "cached": phase("with the page cache", env, args, urls, work, cached=True),
        "checked": phase(
            "with the page cache, no change feed (every hit checks its versions)",
            env,
            args,
            urls,
            work,
            cached=True,
            pages=CHECKED_PAGES,
            feed=False,
        ),
    }
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_average": os.getloadavg(),
        "articles": inproc["published"],
        "cache": "Redis" if use_redis else "local memory",
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds}s",
        "workers": args.workers,
        "in_process": inproc,
        "measured": measured,
        "seconds": round(time.monotonic() - started),
    }
    report["table"] = table(report)
    report["targets"] = targets(report)
    Path(args.json).write_text(json.dumps(report, indent=2, default=str))

    print()
    print(
        f"Masthead bench, {report['date']}: {report['articles']:,} published articles, PostgreSQL, "
        f"page cache in {report['cache']}, gunicorn {args.workers} sync workers, wrk {report['wrk']} per "
        f"address, {report['machine']}"
    )
    print()
    print(report["table"])
    print()
    for what, value, met in report["targets"]:
        print(f"  [{'met' if met else 'MISSED'}] {what}: {value}")
    print("  search plans, the index that finds the matches of each word:")
    for word, names in inproc["search_plan"]["indexes"].items():
        print(f"    {word}: {', '.join(names) or 'no index'}")
    print(f"  profile of warm article pages: {inproc['profile']['path']} (and .html)")
    print(f"  details: {args.json}; server logs in {work}; {report['seconds']} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
