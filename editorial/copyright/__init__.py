"""The copyright desk: complaints from rights holders and everything officers do with them.

Where each rule lives: `states.py` (the states and who may move where), `moves/` (every move; the only code
that changes a complaint's status), `intake.py` (filing, URL resolution), `evidence.py` (what files may be
sent and kept), `deadlines.py` (the clocks), `measures.py` (what a decision does to articles and pictures),
`takedowns.py` (removed content stays out), `transparency.py` and `exports.py` (reports). The admin, the
public views, the commands and the tasks only call these.
"""
