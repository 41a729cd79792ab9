"""The newsroom desk: the people who write and publish articles and how an article moves to readers.

models.py (Editor, ArticleRevision), roles.py, permissions.py (who counts as whom), workflow.py (the state
table and every move of an article), corrections.py, editing.py (every edit of an article's copy),
revisions.py, preview.py, desk.py (the editor's queues) and admin.py (the screens that call them).
"""
