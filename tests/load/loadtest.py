#!/usr/bin/env python
"""Load and fault test (issue 8, point 9). Loopback only, bounded in time and in requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masthead_load .venv/bin/python tests/load/loadtest.py

1. Prepares the database: migrate, `load_demo`, then published articles added with bulk_create until
   there are --articles of them (10,000 by default), each with three tags.
2. Serves the site as production would: DEBUG off, collectstatic + WhiteNoise, gunicorn on 127.0.0.1,
   Redis as the cache, behind a pretend proxy (X-Forwarded-Proto/-For headers, TRUSTED_PROXY_COUNT=1).
3. Load: wrk, --connections (64) connections for --duration (30) s at article, home, archive and search
   pages; prints requests/s, p50/p99 latency, errors and status codes. Expected: no errors, no 5xx.
4. Fault: the same load again while PostgreSQL is restarted (pg_ctlcluster ... restart), a prober
   reading /healthz and / every 100 ms, and complaints posted through the real form twice a second.
   Prints the outage window, what readers got meanwhile (only clean 503 pages are allowed), how long
   the site took to recover by itself, and for every complaint whether it was stored whole (302 and the
   complaint with its item in the database) or refused with a clear message (503 "not saved" and nothing
   in the database). Anything else fails the run.

Exit status 0 when every expectation holds. Results also go to --json (default /tmp/masthead-load.json).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LOOPBACK = "127.0.0.1"
SEARCH_PLACES = ["tianjin", "astana", "geneva", "nairobi", "lima", "jakarta", "belgrade", "muscat", "hanoi"]
SEARCH_WORDS = ["harbour", "initiative", "trade", "ocean", "health", "railway", "climate", "forum", "energy", "summit"]


# -- seeding ----------------------------------------------------------------------------------------------------

SEED_CREDIT = "Illustration: Masthead load test"  # marks the pictures the seed made, so a rerun finds them
SEED_PICTURES = 6  # shared among every seeded article: a picture's cost is its markup, not its file
SEED_SUBJECTS = ["Harbour", "Railway", "Trade forum", "Ocean survey", "Health clinic", "Climate talks", "Energy grid"]
SEED_PLACES = ["Tianjin", "Astana", "Geneva", "Nairobi", "Lima", "Jakarta", "Belgrade", "Muscat", "Hanoi"]
# Sentences a body is drawn from; {subject} and {place} are the article's own, so search has real words to rank.
SEED_SENTENCES = [
    "Officials and residents described what changed on the ground around the {subject} in {place}.",
    "Some promises were kept and others are still waiting, according to people who follow the project closely.",
    "The next season is expected to bring new work for traders, drivers and the families who depend on them.",
    "Engineers said the first phase had taken longer than planned because of the weather and the supply of steel.",
    "A survey by the city found that most households had noticed the change within the first six months.",
    "Shop owners near the {subject} said their takings had risen, though rents had risen faster.",
    "The authorities in {place} published figures showing more visitors than in any year before.",
    "Critics asked who would pay for the upkeep once the builders had gone home and the grants had ended.",
    "Teachers at two schools nearby said pupils now arrive earlier and leave later than they used to.",
    "The regional council will review the accounts in the spring and decide whether to extend the scheme.",
    "Farmers outside {place} described a shorter journey to market and fewer goods spoiled on the way.",
    "Nurses at the district clinic said the new road had halved the time an ambulance needs to reach them.",
    "Economists cautioned that a single good year says little about the decade the project was meant to span.",
    "The partners signed a further agreement covering training, maintenance and a fund for local suppliers.",
    "Fishermen said the harbour works had changed the currents and that the catch had moved further out.",
    "Young people interviewed in {place} said they hoped the jobs would still be there when they finished school.",
    "A delegation from abroad visited the {subject} last month and asked to see the books as well as the site.",
    "The opening ceremony was short, and most of the speeches were about what remains to be done.",
    "Traffic counts taken every hour for a week showed the busiest times to be early morning and late evening.",
    "Residents who lost land to the works said the compensation had arrived late and in smaller sums than promised.",
]
SEED_HEADINGS = ["What changed", "Who pays", "What comes next", "The view from the street"]
SEED_QUOTES = [
    "We waited a long time for this, and now we want to see it last.",
    "The figures are good, but the test is the next ten years, not the first one.",
]


def seed_pictures() -> list:
    """Run inside Django: the few pictures every seeded article shares, stored as an upload is and with their
    renditions made; made once and found again by their credit line."""
    from django.core.files.base import ContentFile

    from articles.models import Image
    from editorial.demo import pictures

    have = list(Image.objects.filter(credit=SEED_CREDIT).order_by("pk"))
    for n in range(len(have), SEED_PICTURES):
        subject, place = SEED_SUBJECTS[n % len(SEED_SUBJECTS)], SEED_PLACES[n % len(SEED_PLACES)]
        image = Image(
            file=ContentFile(
                pictures.hero(key="default", headline=f"{subject} in {place}", kicker="Load test", seed=n),
                name=f"load-{n}.jpg",
            ),
            alt_text=f"An illustration of the {subject.lower()} in {place}.",
            caption=f"The {subject.lower()} in {place}.",
            credit=SEED_CREDIT,
            licence=Image.Licence.OWN,
            focal_point_x=0.5,
            focal_point_y=0.4,
        )
        image.save()
        have.append(image)
    for image in have:
        image.make_renditions()  # only the missing ones: a rerun costs nothing
    return have


def seed_body(rng: random.Random, *, subject: str, place: str, inline: list[int]) -> str:
    """About 800 words: eleven paragraphs of four sentences, a heading, a quote and an inline picture after the
    third and the eighth paragraph, in the form the body sanitiser keeps unchanged (bulk_create skips save())."""
    parts = []
    for k in range(11):
        sentences = rng.sample(SEED_SENTENCES, 4)
        parts.append("<p>" + " ".join(s.format(subject=subject.lower(), place=place) for s in sentences) + "</p>")
        if k == 2 and inline:
            parts.append(f"[[image:{inline[0]}]]")
        if k == 4:
            parts.append(f"<h2>{rng.choice(SEED_HEADINGS)}</h2>")
        if k == 6:
            parts.append(f"<blockquote><p>{rng.choice(SEED_QUOTES)}</p></blockquote>")
        if k == 7 and len(inline) > 1:
            parts.append(f"[[image:{inline[1]}]]")
    return "\n".join(parts)


def seed_articles(target: int) -> int:
    """Run inside Django: add published articles (and tags) until `target` exist. Returns how many were added.

    Each carries a hero picture and two inline pictures (from a small shared set, renditions made) and a body
    of about 800 words, like a real article page. Seeded articles from before the pictures get them here.
    """
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from django.utils.text import slugify
    from taggit.models import Tag, TaggedItem

    from articles.models import Article, Section
    from articles.richtext import sanitise_body
    from editorial.models import Editor

    have = Article.objects.count()
    missing = target - have
    outdated = Article.objects.filter(hero_image__isnull=True, body__startswith="<p>Officials and residents described")
    if missing <= 0 and not outdated.exists():
        return 0
    editors = list(Editor.objects.order_by("pk"))
    sections = list(Section.objects.order_by("pk"))
    if len(editors) < 2 or not sections:
        raise SystemExit("seed: run load_demo first (it makes the editors and sections)")
    pictures = [image.pk for image in seed_pictures()]
    happenings = ["opens to visitors", "passes its first year", "draws new partners", "publishes its figures"]
    tags = [
        Tag.objects.get_or_create(name=f"load topic {n}", defaults={"slug": f"load-topic-{n}"})[0] for n in range(40)
    ]
    now = timezone.now()
    rng = random.Random(8)

    def illustrate(article: Article, n: int, subject: str, place: str) -> None:
        article.hero_image_id = pictures[n % len(pictures)]
        inline = [pictures[(n + 1) % len(pictures)], pictures[(n + 3) % len(pictures)]]
        article.body = seed_body(rng, subject=subject, place=place, inline=inline)

    batch = []
    for n in range(have, target):
        subject, place = rng.choice(SEED_SUBJECTS), rng.choice(SEED_PLACES)
        title = f"{subject} in {place} {rng.choice(happenings)} ({n})"
        published = now - timedelta(minutes=37 * (n + 1))
        article = Article(
            title=title,
            slug=f"{slugify(title)[:180]}-{n}",
            dek=f"What the {subject.split(' ')[0].lower()} story means for the people who live with it.",
            section=sections[n % len(sections)],
            editor=editors[n % len(editors)],
            responsible_editor=editors[(n + 1) % len(editors)],
            status=Article.Status.PUBLISHED,
            published_at=published,
            first_published_at=published,
        )
        illustrate(article, n, subject, place)
        batch.append(article)
    if batch and sanitise_body(batch[0].body) != batch[0].body:
        raise SystemExit("seed: the generated body is not in the form the sanitiser keeps; fix seed_body")
    created = Article.objects.bulk_create(batch, batch_size=1000)
    content_type = ContentType.objects.get_for_model(Article)
    items = [
        TaggedItem(tag=tags[(article.pk + k * 7) % len(tags)], content_type=content_type, object_id=article.pk)
        for article in created
        for k in range(3)
    ]
    TaggedItem.objects.bulk_create(items, batch_size=5000, ignore_conflicts=True)

    # Articles seeded before the pictures: the same treatment, in place (a kept bench database upgrades).
    upgraded = list(outdated.only("pk", "title"))
    for article in upgraded:
        words = article.title.split(" in ", 1)
        place = words[1].split(" ")[0] if len(words) > 1 else rng.choice(SEED_PLACES)
        illustrate(article, article.pk, words[0], place)
    Article.objects.bulk_update(upgraded, ["hero_image", "body"], batch_size=500)

    # Inline pictures are a relation kept in step with the body by Article.save, which bulk_create skips.
    through = Article.inline_images.through
    rows = [
        through(article_id=article.pk, image_id=int(pk))
        for article in [*created, *upgraded]
        for pk in INLINE_MARKER.findall(article.body)
    ]
    through.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    # Fresh planner statistics, as autovacuum would make a little later: without them PostgreSQL still
    # plans for the demo's dozen articles.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(created)


INLINE_MARKER = re.compile(r"\[\[image:(\d+)\]\]")


# -- helpers ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def run(cmd: list[str], env: dict[str, str], timeout: float = 900) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def django_json(env: dict[str, str], code: str):
    out = run([PYTHON, "-c", f"import django, json\ndjango.setup()\n{code}"], env)
    return json.loads(out.strip().splitlines()[-1])


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def ensure_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    server = parts._replace(path="/postgres").geturl()
    name = database_name(url)
    exists = subprocess.run(
        ["psql", server, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608 - our own name
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)


class Http:
    """A tiny HTTP/1.1 client for the prober and the complaint poster, as if behind an HTTPS proxy."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={"X-Forwarded-Proto": "https", "Host": f"{LOOPBACK}:{self.port}", **(headers or {})},
            )
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        except OSError as error:
            return 0, {}, f"{type(error).__name__}: {error}"
        finally:
            connection.close()


def serve_gunicorn(
    env: dict[str, str], port: int, workers: int, log: Path, *, ready_path: str = "/healthz"
) -> subprocess.Popen:
    """The site under gunicorn (sync workers) on loopback, once `ready_path` answers 200; RuntimeError if it
    never does within a minute. Used by the benchmark and by tests that need real worker processes."""
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{LOOPBACK}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    client = Http(port)
    deadline = time.monotonic() + 60
    while client.request("GET", ready_path)[0] != 200:
        if time.monotonic() > deadline or server.poll() is not None:
            stop(server)
            raise RuntimeError(f"the server did not become ready; see {log}")
        time.sleep(0.3)
    return server


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


# -- wrk ----------------------------------------------------------------------------------------------------------

WRK_SCRIPT = r"""
local paths = {%(paths)s}
local max_per_thread = %(max_per_thread)d
local threads = {}
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  responses = 0
  cursor = id * 7919
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  cursor = cursor + 1
  return wrk.format("GET", paths[(cursor * 104729) %% #paths + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  responses = responses + 1
  if responses >= max_per_thread then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do merged[tostring(code)] = (merged[tostring(code)] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%%s": %%d', code, n)) end
  io.write(string.format(
    'WRK_RESULT {"requests": %%d, "duration_us": %%d, "p50_ms": %%.2f, "p90_ms": %%.2f, "p99_ms": %%.2f, ' ..
    '"max_ms": %%.2f, "errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
    '"statuses": {%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, table.concat(parts, ", ")))
end
"""


def wrk_command(port: int, script: Path, *, connections: int, seconds: int) -> list[str]:
    return [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://{LOOPBACK}:{port}/",
    ]


def parse_wrk(output: str) -> dict:
    match = re.search(r"^WRK_RESULT (.*)$", output, flags=re.M)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{output[-3000:]}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["5xx"] = sum(n for code, n in result["statuses"].items() if code.startswith("5"))
    return result


def page_latencies(client: Http, groups: dict[str, list[str]], rounds: int = 15) -> dict[str, dict]:
    """One request at a time, no other load from us: what each kind of page costs on its own."""
    out = {}
    for kind, paths in groups.items():
        times = []
        for n in range(rounds):
            began = time.perf_counter()
            status = client.request("GET", paths[n % len(paths)])[0]
            times.append((time.perf_counter() - began) * 1000)
            if status != 200:
                raise SystemExit(f"{paths[n % len(paths)]} answered {status}")
        times.sort()
        out[kind] = {"median_ms": round(times[len(times) // 2], 1), "max_ms": round(times[-1], 1)}
    return out


# -- the run ------------------------------------------------------------------------------------------------------


@dataclass
class FaultLog:
    probes: list = field(default_factory=list)  # (t, path, status, clean)
    complaints: list = field(default_factory=list)  # (t, email, status, says_not_saved)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=30, help="seconds of steady load")
    parser.add_argument("--fault-duration", type=int, default=30, help="seconds of load around the restart")
    parser.add_argument("--max-requests", type=int, default=400_000, help="hard cap on requests per phase")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--article-paths",
        type=int,
        default=300,
        help="distinct article pages in the mix (raise to --articles for a cold long tail past the page cache)",
    )
    parser.add_argument("--no-fault", action="store_true", help="skip the PostgreSQL restart")
    parser.add_argument(
        "--quiet-wait", type=int, default=300, help="seconds to wait for other test databases to go idle first"
    )
    parser.add_argument("--json", default=str(Path(tempfile.gettempdir()) / "masthead-load.json"))
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/masthead_load")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must point at PostgreSQL")
    if urllib.parse.urlsplit(database_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("loopback only: DATABASE_URL must be on this machine")
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")

    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="masthead-load-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": f"{LOOPBACK},localhost",
            "SITE_URL": f"https://{LOOPBACK}:{port}",
            "DATABASE_URL": database_url,
            "REDIS_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/7"),
            "CACHE_KEY_PREFIX": f"masthead-load-{secrets.token_hex(4)}",
            "TRUSTED_PROXY_COUNT": "1",
            "TASKS_BACKEND": "database",
            "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", str(work / "media")),
            "PRIVATE_MEDIA_ROOT": os.environ.get("PRIVATE_MEDIA_ROOT", str(work / "private-media")),
            "EMAIL_HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
    )
    report: dict = {"articles": args.articles, "connections": args.connections, "workers": args.workers}

    print(f"== preparing {database_name(database_url)}: migrate, load_demo, {args.articles} articles")
    ensure_database(database_url)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([PYTHON, "manage.py", "load_demo", "--allow-production"], env)
    added = django_json(
        env, f"from tests.load.loadtest import seed_articles\nprint(json.dumps(seed_articles({args.articles})))"
    )
    sample = django_json(
        env,
        "from articles.models import Article\n"
        "live = Article.objects.published()\n"
        f"slugs = list(live.order_by('?').values_list('slug', flat=True)[:{args.article_paths}])\n"
        "targets = list(live.order_by('-published_at').values_list('slug', flat=True)[:200])\n"
        "print(json.dumps({'count': live.count(), 'slugs': slugs, 'complaint_targets': targets}))",
    )
    print(f"   {sample['count']} published articles ({added} added now)")
    report["published_articles"] = sample["count"]
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)

    print(f"== serving with gunicorn on {LOOPBACK}:{port} ({args.workers} workers)")
    server_log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{LOOPBACK}:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    client = Http(port)
    ok = True
    try:
        deadline = time.monotonic() + 60
        while client.request("GET", "/healthz")[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"server did not become ready; see {work / 'gunicorn.log'}")
            time.sleep(0.3)

        archive_html = client.request("GET", "/articles/")[2]
        older = sorted(set(re.findall(r'href="(/articles/\?[^"#]+)"', archive_html)))
        # The same mix whatever the number of distinct article pages: about half articles, a fifth search.
        scale = max(1, len(sample["slugs"]) // 300)
        weights = {"home": 90 * scale, "archive": 60 * scale, "older": 30 * scale, "search": 12 * scale}
        older_paths = [p.replace("&amp;", "&") for p in older]
        # With a long tail, searches vary too (word and place), so they are not all answered from the cache.
        queries = SEARCH_WORDS if scale == 1 else [f"{w}+{p}" for w in SEARCH_WORDS for p in SEARCH_PLACES]
        paths = (
            [f"/articles/{slug}/" for slug in sample["slugs"]]
            + ["/"] * weights["home"]
            + ["/articles/"] * weights["archive"]
            + older_paths * weights["older"]
            + [f"/search/?q={q}" for q in queries] * (weights["search"] * len(SEARCH_WORDS) // len(queries))
        )
        mix = {
            "article": len(sample["slugs"]),
            "home": weights["home"],
            "archive": weights["archive"] + weights["older"] * len(older_paths),
            "search": len(queries) * (weights["search"] * len(SEARCH_WORDS) // len(queries)),
        }
        report["mix"] = {k: round(v / len(paths), 3) for k, v in mix.items()}
        for path in {"/", "/articles/", paths[0], f"/search/?q={SEARCH_WORDS[0]}", *older_paths}:
            status = client.request("GET", path)[0]
            if status != 200:
                raise SystemExit(f"warm-up: {path} answered {status}")
        report["single_request"] = page_latencies(
            client,
            {
                "article": [f"/articles/{slug}/" for slug in sample["slugs"]],
                "home": ["/"],
                "archive": ["/articles/", *[p.replace("&amp;", "&") for p in older]],
                "search": [f"/search/?q={word}" for word in SEARCH_WORDS],
            },
        )
        report["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        print(f"   one request at a time: {report['single_request']}; machine load {report['load_average_before']}")
        script = work / "mix.lua"
        script.write_text(
            WRK_SCRIPT
            % {
                "paths": ", ".join(json.dumps(p) for p in paths),
                "max_per_thread": args.max_requests // 2,
            }
        )

        print(f"== load: {args.connections} connections for {args.duration} s, mix {report['mix']}")
        steady = parse_wrk(
            run(
                wrk_command(port, script, connections=args.connections, seconds=args.duration),
                env,
                timeout=args.duration + 60,
            )
        )
        report["steady"] = steady
        print(
            f"   {steady['requests']} requests, {steady['rps']:.0f} req/s, p50 {steady['p50_ms']:.1f} ms, "
            f"p99 {steady['p99_ms']:.1f} ms, max {steady['max_ms']:.0f} ms, socket errors {steady['errors']}, "
            f"statuses {steady['statuses']}"
        )
        socket_errors = sum(v for k, v in steady["errors"].items() if k != "status")
        if steady["5xx"] or socket_errors:
            ok = False
            print("   FAIL: errors or 5xx under steady load")

        if not args.no_fault:
            ok = fault_phase(args, env, port, script, sample["complaint_targets"], client, report, work) and ok
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()

    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"== {'PASSED' if ok else 'FAILED'}; details in {args.json}; server log {work / 'gunicorn.log'}")
    return 0 if ok else 1


def postgres_cluster() -> tuple[str, str]:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: float(v)) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        raise SystemExit("no PostgreSQL cluster found under /etc/postgresql: cannot run the fault phase")
    return versions[-1], "main"


def wait_for_quiet_database(database_url: str, ours: str, limit: float = 30) -> bool:
    """Courtesy on a shared server: wait (bounded) until no other test database has a client, so the
    restart does not break someone else's test run. Returns whether it was quiet."""
    server = urllib.parse.urlsplit(database_url)._replace(path="/postgres").geturl()
    deadline = time.monotonic() + limit
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "  # noqa: S608
        f"AND datname LIKE 'test%' AND datname NOT IN ('{ours}', 'test_{ours}')"
    )
    while time.monotonic() < deadline:
        busy = subprocess.run(
            ["psql", server, "-Atc", query],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if busy == "0":
            return True
        time.sleep(0.5)
    return False


def complaint_form_fields(client: Http) -> tuple[str, str]:
    status, headers, html = client.request("GET", "/copyright/notices/new/")
    if status != 200:
        raise SystemExit(f"the complaint form answered {status}")
    cookie = headers.get("Set-Cookie", "")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not csrf_cookie or not token:
        raise SystemExit("could not read the CSRF token of the complaint form")
    return csrf_cookie.group(1), token.group(1)


def post_complaint(client: Http, port: int, *, n: int, target_slug: str, csrf: tuple[str, str], run_id: str):
    email = f"load-{run_id}-{n}@lens-agency.test"
    form = {
        "csrfmiddlewaretoken": csrf[1],
        "notifier_name": "Wang Fang",
        "notifier_organisation": "Lens Agency",
        "notifier_email": email,
        "notifier_phone": "+86 10 5555 0100",
        "notifier_address": "12 Harbour Road, Tianjin",
        "notifier_country": "China",
        "capacity": "rights_holder",
        "regime": "prc",
        "work_description": "My photograph of the conference hall in Astana.",
        "original_location": "https://lens-agency.test/photos/astana-hall",
        "original_published_on": "2013-09-08",
        "first_publication_proof": "Our archive page carries the upload date.",
        "urls": f"https://{LOOPBACK}:{port}/articles/{target_slug}/",
        "explanation": "The picture was copied without permission.",
        "remedy": "remove",
        "statement_good_faith": "on",
        "statement_accuracy": "on",
        "statement_fair_use": "on",
        "signature": "Wang Fang",
        "website": "",
    }
    status, _, body = client.request(
        "POST",
        "/copyright/notices/new/",
        body=urllib.parse.urlencode(form).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf[0]}",
            "Referer": f"https://{LOOPBACK}:{port}/copyright/notices/new/",
            "X-Forwarded-For": f"198.51.100.{n % 250 + 1}",
        },
    )
    return email, status, "not saved" in body, body


def fault_phase(args, env, port, script, targets, client: Http, report: dict, work: Path) -> bool:
    version, cluster = postgres_cluster()
    quiet = wait_for_quiet_database(env["DATABASE_URL"], database_name(env["DATABASE_URL"]), limit=args.quiet_wait)
    print(f"   other test databases idle before the restart: {quiet}")
    report["other_test_databases_idle"] = quiet
    log = FaultLog()
    run_id = secrets.token_hex(3)
    csrf = complaint_form_fields(client)
    stop = threading.Event()
    started = time.monotonic()

    def prober(path: str):
        while not stop.is_set():
            status, headers, body = client.request("GET", path)
            clean = status == 200 or (status == 503 and "Traceback" not in body and "unavailable" in body.lower())
            log.probes.append((time.monotonic() - started, path, status, clean))
            time.sleep(0.1)

    def poster(k: int):
        n = k
        while not stop.is_set() and n < 120:
            email, status, not_saved, body = post_complaint(
                client, port, n=n, target_slug=targets[n % len(targets)], csrf=csrf, run_id=run_id
            )
            log.complaints.append((time.monotonic() - started, email, status, not_saved, body[:300]))
            n += 2
            time.sleep(0.2)

    print(f"== fault: load for {args.fault_duration} s, PostgreSQL {version}/{cluster} restarted after 8 s")
    wrk = subprocess.Popen(
        wrk_command(port, script, connections=args.connections, seconds=args.fault_duration),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Several probers: under saturation each answer waits its turn behind the load, so a single one
    # would see the outage only every couple of seconds.
    probe_paths = ["/healthz", "/", "/healthz", "/articles/", "/healthz", f"/articles/{targets[0]}/"]
    threads = [threading.Thread(target=prober, args=(path,), daemon=True) for path in probe_paths]
    threads += [threading.Thread(target=poster, args=(k,), daemon=True) for k in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(8)
    restart_began = time.monotonic() - started
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart", "-m", "fast"],
        check=True,
        timeout=120,
    )
    restart_ended = time.monotonic() - started
    output, _ = wrk.communicate(timeout=args.fault_duration + 60)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    fault = parse_wrk(output)

    # Probe times are when the answer arrived. The outage as readers saw it runs from the first failed
    # answer to the first good one after the last failure; every answer after that must be good.
    probes = sorted(log.probes)
    failures = [p for p in probes if p[2] != 200]
    unclean = [p for p in probes if not p[3]]
    last_failure = max((p[0] for p in failures), default=None)
    back_at = next((p[0] for p in probes if last_failure is not None and p[0] > last_failure and p[2] == 200), None)
    settled = last_failure is None or (back_at is not None and all(p[2] == 200 for p in probes if p[0] > last_failure))
    recovered_in = 0.0 if last_failure is None else (None if back_at is None else back_at - restart_began)

    # Every complaint: stored whole, or refused with a clear message and nothing stored.
    emails = [c[1] for c in log.complaints]
    stored = django_json(
        env,
        "from editorial.models import Complaint\n"
        "from django.db.models import Count\n"
        f"rows = Complaint.objects.filter(notifier_email__in={emails!r}).annotate(n=Count('items'))\n"
        "print(json.dumps({c.notifier_email: c.n for c in rows}))",
    )
    verdicts = {"stored whole": 0, "refused cleanly": 0, "WRONG": 0}
    wrong = []
    for t, email, status, not_saved, body in log.complaints:
        items = stored.get(email)
        if status == 302 and items == 1:
            verdicts["stored whole"] += 1
        elif status == 503 and not_saved and items is None:
            verdicts["refused cleanly"] += 1
        else:
            verdicts["WRONG"] += 1
            wrong.append({"t": round(t, 2), "email": email, "status": status, "items": items, "body": body})

    fault_5xx_codes = {code: n for code, n in fault["statuses"].items() if code.startswith("5")}
    report["fault"] = {
        "wrk": fault,
        "restart_began_s": round(restart_began, 2),
        "restart_ended_s": round(restart_ended, 2),
        "probe_failures": len(failures),
        "probe_unclean": len(unclean),
        "first_failure_s": round(min((p[0] for p in failures), default=0), 2),
        "last_failure_s": None if last_failure is None else round(last_failure, 2),
        "back_at_s": None if back_at is None else round(back_at, 2),
        "healthy_again_after_restart_began_s": None if recovered_in is None else round(recovered_in, 2),
        "settled": settled,
        "complaints": verdicts,
        "complaints_wrong": wrong,
        "5xx_by_code": fault_5xx_codes,
    }
    print(
        f"   restart {restart_began:.1f}–{restart_ended:.1f} s; load: {fault['requests']} requests, "
        f"{fault['rps']:.0f} req/s, statuses {fault['statuses']}, socket errors {fault['errors']}"
    )
    first_failure = min((p[0] for p in failures), default=None)
    print(
        f"   probes: {len(probes)}, non-200 {len(failures)} (not a clean 503: {len(unclean)}); failures seen "
        f"{first_failure and round(first_failure, 2)}–{last_failure and round(last_failure, 2)} s, all good again "
        f"from {back_at and round(back_at, 2)} s, "
        f"i.e. {recovered_in and round(recovered_in, 2)} s after the restart began"
    )
    print(f"   complaints posted: {len(log.complaints)} -> {verdicts}")
    for item in wrong[:5]:
        print(f"   WRONG complaint: {item}")
    ok = True
    if set(fault_5xx_codes) - {"503"}:
        print(f"   FAIL: 5xx other than 503 during the outage: {fault_5xx_codes}")
        ok = False
    if unclean:
        print(f"   FAIL: {len(unclean)} probe answers were not a clean 503 page: {unclean[:5]}")
        ok = False
    if not settled or recovered_in is None or recovered_in > 20:
        print("   FAIL: the site did not recover by itself within 20 s of the restart")
        ok = False
    if verdicts["WRONG"]:
        print("   FAIL: a complaint was neither stored whole nor refused cleanly")
        ok = False
    return ok


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
