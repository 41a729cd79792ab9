vcl 4.1;

# Masthead's edge cache (issue 13, docs/deploy.md): Varnish 7 with the xkey vmod (Debian: varnish,
# varnish-modules) in front of gunicorn. The origin decides what may be kept (Cache-Control: public,
# s-maxage) and names what each page shows (xkey); this file makes sure that, whatever the origin sends,
# nothing personal is ever stored, and lets the origin's purge task remove pages by key.

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Only the origin's purge task (this machine, or the app servers' network: add it here) may purge.
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
    # The back office, preview links, the complaint forms and their tracking pages, the contact form and
    # the health check are never stored, whatever they answer.
    if (req.url ~ "^/(admin|preview)(/|$)"
        || req.url ~ "^/copyright/(notices|confirm)/"
        || req.url ~ "^/contact(/|$)"
        || req.url ~ "^/healthz") {
        return (pass);
    }
    # Signed in (a session) or in the middle of a form (a CSRF token): pages may be personal.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)=" || req.http.Authorization) {
        return (pass);
    }
    # Anything else is the same for every reader: other cookies (analytics) are not the origin's business.
    unset req.http.Cookie;
    # Parameters that only tell analytics where a reader came from share the page without them.
    set req.url = regsuball(req.url, "([?&])(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ref)=[^&]*", "\1");
    set req.url = regsuball(req.url, "&&+", "&");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = regsub(req.url, "\?&", "?");
    return (hash);
}

sub vcl_backend_fetch {
    # Always a whole answer from the origin: a 304 would carry the origin's browser headers, not the page's.
    unset bereq.http.If-None-Match;
    unset bereq.http.If-Modified-Since;
}

sub vcl_backend_response {
    # Kept only what the origin offers to shared caches (s-maxage on pages, public on static files), and
    # never anything that sets a cookie or says private/no-store.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)(s-maxage|public)") {
        # Hit-for-miss: the next requests for it go to the origin without waiting for each other.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # A short grace: an expired page is served at most this long while a fresh one is fetched (a scheduled
    # article appears that late at most). Purged pages are gone at once, grace or not.
    set beresp.grace = 5s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Keys and the shared lifetime are for this cache: a proxy further on gets no purges, so it gets no
    # s-maxage either (the origin's max-age=0, must-revalidate then holds for it too).
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (resp.http.Cache-Control ~ "s-maxage") {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control, "\s*,?\s*s-maxage=[0-9]+", "");
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, "^\s*,\s*", "");
    }
}
