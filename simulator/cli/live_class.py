"""``allofmp3-sim class new|list|export|delete``: live classes from a terminal.

The command line works on the database directly (``ALLOFMP3_DATABASE_URL``, else the SQLite file in
the data folder; see ``simulator.live.storage``), with its owner's rights: ``list``, ``export`` and
``delete`` need only the join code. ``new`` prints the teacher link once: it is not stored anywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from simulator.cli._common import print_json, print_record, print_table
from simulator.live import links, service
from simulator.live.export import export_class
from simulator.live.storage import database_url, get_store
from simulator.params.scenario_file import read_scenario_file
from simulator.present.classroom import EXERCISE_KEYS


def register(sub) -> None:
    """Add the ``class`` command and its actions (new, list, export, delete)."""
    p = sub.add_parser("class", help="run a live class: new, list, export, delete",
                       description="Live classes: students join with a code, answer their own variants, the "
                                   "teacher watches a dashboard. The database is ALLOFMP3_DATABASE_URL, else a "
                                   "SQLite file in the data folder.")
    cmds = p.add_subparsers(dest="class_command", metavar="ACTION", required=True)

    n = cmds.add_parser("new", help="start a class: prints its join code and the teacher link")
    n.add_argument("--title", required=True, help="the class's title (1-80 characters)")
    src = n.add_mutually_exclusive_group()
    src.add_argument("--preset", metavar="NAME", help="the class scenario: a preset (default: the baseline)")
    src.add_argument("--link", metavar="URL", help="the class scenario: a link shared from the app")
    src.add_argument("--scenario", metavar="FILE", help="the class scenario: a scenario file (YAML)")
    n.add_argument("--live", metavar="EXERCISE", action="append", default=[],
                   help=f"an exercise live from the start (repeatable; 'all' for every one): {', '.join(EXERCISE_KEYS)}")
    n.add_argument("--base-url", metavar="URL", default=None,
                   help="the app's address as students will type it (default http://127.0.0.1:8501)")
    n.add_argument("--json", action="store_true", help="print JSON (code, join link, teacher link, expiry)")
    n.set_defaults(func=run_new)

    ls = cmds.add_parser("list", help="every class in the database")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    e = cmds.add_parser("export", help="write a class's CSV (one row per student and exercise) and scenario file")
    e.add_argument("code", help="the class's join code")
    e.add_argument("--out", metavar="DIR", default=".", help="folder to write into (default: here)")
    e.add_argument("--force", action="store_true", help="overwrite files that exist")
    e.add_argument("--json", action="store_true", help="print the paths written as JSON")
    e.set_defaults(func=run_export)

    d = cmds.add_parser("delete", help="delete a class and everything in it")
    d.add_argument("code", help="the class's join code")
    d.add_argument("--yes", action="store_true", help="really delete (nothing can bring it back)")
    d.set_defaults(func=run_delete)


def _store():


    try:
        return get_store()
    except SQLAlchemyError as e:

        where = make_url(database_url()).render_as_string(hide_password=True)
        raise ValueError(f"database {where} cannot be opened: {getattr(e, 'orig', None) or e}") from None


def run_new(args: argparse.Namespace) -> int:
    """Start a live class; print the join code and the teacher link (exit 0), or exit 2 on bad input."""
    if args.scenario:
        scenario, label = read_scenario_file(args.scenario), f"scenario file {Path(args.scenario).name}"
        notices: tuple[str, ...] = ()
    else:
        scenario, label, notices = service.choose_scenario(preset=args.preset, link=args.link)
    live = list(EXERCISE_KEYS) if "all" in args.live else args.live
    new = service.create_class(_store(), args.title, scenario, scenario_label=label, live=live)
    base = args.base_url or links.DEFAULT_BASE_URL
    rec = {"code": new.code, "title": new.title, "scenario": label,
           "join_link": links.join_link(base, new.code),
           "teacher_link": links.teacher_link(base, new.code, new.teacher_secret),
           "expires_utc": new.expires_at.isoformat(timespec="seconds"), "live": live}
    for note in notices:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print_json(rec)
    else:
        print_record({k: ", ".join(v) if isinstance(v, list) else v for k, v in rec.items()})
        print("Keep the teacher link private: whoever has it runs the class. It is not stored; this is the only "
              "copy.", file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    """List the classes in the database, newest first."""
    rows = [{"code": c.code, "title": c.title, "created_utc": c.created_at.isoformat(timespec="seconds"),
             "expires_utc": c.expires_at.isoformat(timespec="seconds"),
             "state": "closed" if c.closed else ("locked" if c.joining_locked else "open"),
             "students": c.students, "answers": c.submissions} for c in service.list_classes(_store())]
    if args.json:
        print_json(rows)
    else:
        print_table(rows, ["code", "title", "created_utc", "expires_utc", "state", "students", "answers"])
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write a class's answers (CSV, one row per student and exercise) and its scenario file."""
    ex = export_class(_store(), service.LocalAdmin(args.code))
    out = Path(args.out)
    if not out.is_dir():
        raise ValueError(f"--out must be an existing folder, got {str(out)!r}")
    paths = [out / ex.csv_name, out / ex.scenario_name]
    existing = [str(p) for p in paths if p.exists()]
    if existing and not args.force:
        raise ValueError(f"{', '.join(existing)} exists: add --force to overwrite")
    paths[0].write_text(ex.csv_text, encoding="utf-8")
    paths[1].write_text(ex.scenario_yaml, encoding="utf-8")
    if args.json:
        print_json({"csv": str(paths[0]), "scenario": str(paths[1])})
    else:
        for p in paths:
            print(p)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    """Delete a class and everything in it (only with ``--yes``)."""
    store = _store()
    cred = service.LocalAdmin(args.code)
    if not args.yes:
        d = service.dashboard(store, cred)
        raise ValueError(f"class {d.code} ({d.title!r}) has {len(d.participants)} students and {d.submissions} "
                         "answers: add --yes to delete it for good")
    print(f"deleted class {service.delete_class(store, cred)}")
    return 0
