"""Read-replica routing (DESIGN.md section 9).

With DATABASE_REPLICA_URL set, settings add a "replica" database alias. Reads of public content (the
`articles` app, tags and editor profiles) made while serving a reader's GET go to the replica; everything
else reads and writes the primary: writes, the admin and preview, workers and commands (which run outside
a request), and any read inside a transaction on the primary. A reader may therefore see a change a
second or so late (replication lag); an editor or officer never acts on stale data.
"""

from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

# Set by config.middleware.ReplicaRoutingMiddleware for the length of a request.
public_reads: ContextVar[bool] = ContextVar("public_reads", default=False)

# Requests under these paths always read the primary.
PRIMARY_ONLY_PATHS = ("/admin/", "/preview/")

# What a reader's page shows: safe to read a moment late.
PUBLIC_APPS = frozenset({"articles", "taggit"})
PUBLIC_MODELS = frozenset({"editorial.editor"})


def replica_configured() -> bool:
    return REPLICA in connections.settings


def is_public_content(model) -> bool:
    meta = model._meta
    return meta.app_label in PUBLIC_APPS or meta.label_lower in PUBLIC_MODELS


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            public_reads.get()
            and replica_configured()
            and is_public_content(model)
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: an article read from the replica may point at an editor
        # read from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives its schema from the primary by replication.
        return db != REPLICA
