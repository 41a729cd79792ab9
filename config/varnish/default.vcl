vcl 4.1;

# Masthead's edge cache (issue 13, docs/deploy.md). Varnish 7 with the xkey vmod (Debian: varnish,
# varnish-modules). The origin decides what may be stored (Cache-Control: public, s-maxage) and names what
# each page shows (xkey); this file makes sure that, whatever the origin sends, nothing personal is stored.

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Only the origin's own purge task (on this machine or a trusted network) may purge.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        set req.http.n-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    return (hash);
}

sub vcl_backend_response {
    set beresp.grace = 10s;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
