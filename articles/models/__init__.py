"""What the newsroom publishes and how a reader may see it.

`articles` never imports `editorial`: editors are named here only as strings in foreign keys (STYLE.md 16).
A package because one module passed STYLE.md's 500 lines:

- `content`: the content state behind every ETag, and what makes a model public content;
- `topics`: sections, initiatives and milestones;
- `pictures`: images and their renditions;
- `search`: the search text and its ranking on PostgreSQL and SQLite;
- `article`: articles, their one visibility rule (`ArticleQuerySet.published`), corrections;
- `reading`: what reader pages share between requests through Django's cache (issue 13).
"""

from .addresses import (  # noqa: F401
    KeepsOldAddresses,
    OldAddress,
    keep_old_address,
    moved_from,
    old_address_taken,
)
from .article import (  # noqa: F401
    RECOMMENDATION_SCAN,
    Article,
    ArticleQuerySet,
    SubqueryCount,
    credit_line_model,
    private_storage,
)
from .content import (  # noqa: F401
    CONTENT_VERSION_KEY,
    ContentState,
    PublicContent,
    PublicContentQuerySet,
    article_changed,
    bump_content_version,
    content_changed,
    content_state,
    content_version,
    readable_slug,
    unique_slug,
)
from .corrections import Correction  # noqa: F401
from .inline import sync_inline_images, unknown_image_ids, unknown_images_message  # noqa: F401
from .pictures import (  # noqa: F401
    Image,
    ImageQuerySet,
    Rendition,
    image_upload_to,
    rendition_upload_to,
)
from .reading import (  # noqa: F401
    ArticlePage,
    article_page,
    initiatives_with_counts,
    load_article_page,
    recommendation_set,
    shared_by_readers,
)
from .search import (  # noqa: F401
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    SEARCH_CONFIG,
    SEARCH_MAX_CHARS,
    SEARCH_MAX_TERMS,
    SEARCH_RANK_WINDOW,
    SearchVectorColumn,
    clean_search_query,
    fts5_query,
    is_searchable,
    snippet_text,
)
from .topics import (  # noqa: F401
    Initiative,
    Milestone,
    Section,
)
