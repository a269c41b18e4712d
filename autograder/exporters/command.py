"""`nngrade export TARGET ...`: nngrade's suites and results in an LMS's shape.

    nngrade export gradescope ID -o autograder.zip [--seed N] [--wheel WHEEL]
    nngrade export canvas OUT -o grades.csv --roster ROSTER.csv --assignment-id N [--assignment-title T]
    nngrade export canvas OUT --roster ROSTER.csv --canvas-url URL --course C --assignment A   # push
    nngrade export moodle OUT -o grades.csv [--identifier email|username|idnumber] [--roster R.csv]
    nngrade export nbgrader ID -o COURSE_DIR
    nngrade export nbgrader-gradebook OUT --db gradebook.db --assignment ID
    nngrade export otter ID -o DIR

OUT is a folder written by `nngrade batch` (`<student>.json` results).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from autograder.assignments import UnknownAssignment, get, id_help
from autograder.cli import UsageError


MISSING_HELP = ("grade of students without a result or whose submission could not be graded "
                "(default: empty, so the LMS leaves their grade alone; they are listed)")


def add_arguments(parser) -> None:
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)

    p = targets.add_parser("gradescope", help="a Gradescope autograder zip (setup.sh, run_autograder)")
    p.add_argument("assignment", help=id_help())
    p.add_argument("-o", "--output", required=True, help="the zip to write, e.g. autograder.zip")
    p.add_argument("--seed", type=int, default=0, help="seed of the random test cases (default 0)")
    p.add_argument("--wheel", help="a prebuilt nngrade wheel (default: build one from this checkout)")

    p = targets.add_parser("canvas", help="Canvas gradebook import CSV, or a push through the API")
    p.add_argument("results", help="a `nngrade batch` output folder")
    p.add_argument("-o", "--output", help="the CSV to write ('-' for stdout)")
    p.add_argument("--roster", required=True, help="the course's gradebook export from Canvas (CSV)")
    p.add_argument("--assignment-title", help="the Canvas assignment's name (default: nngrade's title)")
    p.add_argument("--assignment-id", help="the Canvas assignment's id (the number in its URL)")
    p.add_argument("--missing", choices=("empty", "zero"), default="empty", help=MISSING_HELP)
    p.add_argument("--canvas-url", help="push grades to this Canvas (token from $CANVAS_API_TOKEN)")
    p.add_argument("--course", type=int, help="Canvas course id, for the push")
    p.add_argument("--assignment", type=int, help="Canvas assignment id, for the push")

    p = targets.add_parser("moodle", help="Moodle grade import CSV")
    p.add_argument("results", help="a `nngrade batch` output folder")
    p.add_argument("-o", "--output", required=True, help="the CSV to write ('-' for stdout)")
    p.add_argument("--assignment-title", help="the grade column's name (default: nngrade's title)")
    p.add_argument("--identifier", choices=("email", "username", "idnumber"),
                   help="the user field the first column holds (default with --roster: email; "
                        "without --roster, required: which Moodle field the batch's student ids are)")
    p.add_argument("--roster", help="a Moodle participants export, to map student ids to users")
    p.add_argument("--missing", choices=("empty", "zero"), default="empty", help=MISSING_HELP)
    p.add_argument("--no-feedback", action="store_true", help="leave out the Feedback column")

    p = targets.add_parser("nbgrader", help="an nbgrader course: source notebook graded by nngrade")
    p.add_argument("assignment", help=id_help())
    p.add_argument("-o", "--output", required=True, help="the course folder to write (or update)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random test cases (default 0)")

    p = targets.add_parser("nbgrader-gradebook", help="write batch results into an nbgrader gradebook")
    p.add_argument("results", help="a `nngrade batch` output folder")
    p.add_argument("--db", required=True, help="the course's gradebook.db")
    p.add_argument("--assignment", required=True, help="the nngrade (and nbgrader) assignment id")
    p.add_argument("--missing", choices=("empty", "zero"), default="empty",
                   help="ungradable submissions: left as they are in the gradebook (default; listed), "
                        "or 0 on every cell")

    p = targets.add_parser("otter", help="an otter-grader assign notebook graded by nngrade")
    p.add_argument("assignment", help=id_help())
    p.add_argument("-o", "--output", required=True, help="the folder to write")
    p.add_argument("--seed", type=int, default=0, help="seed of the random test cases (default 0)")


def run(args) -> int:
    try:
        return RUNNERS[args.target](args)
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from None


def _gradescope(args) -> int:
    from autograder.exporters.gradescope import ExportError, build_zip
    try:
        path = build_zip(args.assignment, args.output, seed=args.seed, wheel=args.wheel)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {path}: upload it in Gradescope under Configure Autograder (zip file)")
    return 0


def _canvas(args) -> int:
    from autograder.exporters import canvas
    from autograder.exporters.results import ResultsError, load_results
    try:
        assignment_id = next(iter(load_results(args.results).values())).assignment
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    if not args.output and not args.canvas_url:
        raise UsageError("give -o grades.csv, or --canvas-url (with --course, --assignment) to push")
    if args.output:
        if not args.assignment_id:
            raise UsageError("--assignment-id is required for the CSV (the number in the "
                             "assignment's Canvas URL)")
        title = args.assignment_title or get(assignment_id).title
        report = canvas.export_csv(args.results, args.output, args.roster, title,
                                   args.assignment_id, args.missing)
        _warn(report.warnings())
        _say(args.output, f"wrote {args.output}: {report.rows} students; import it in Canvas under "
                          f"Grades → Import")
    if args.canvas_url:
        token = os.environ.get("CANVAS_API_TOKEN")
        if not token or args.course is None or args.assignment is None:
            raise UsageError("pushing needs --course, --assignment and the token in $CANVAS_API_TOKEN")
        report = canvas.push(args.results, args.roster, url=args.canvas_url, token=token,
                             course=args.course, assignment=args.assignment, missing=args.missing)
        _warn(report.warnings())
        print(f"posted {report.rows} grades to course {args.course}, assignment {args.assignment}")
    return 0


def _moodle(args) -> int:
    from autograder.exporters import moodle
    from autograder.exporters.results import ResultsError, load_results
    try:
        assignment_id = next(iter(load_results(args.results).values())).assignment
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    if args.roster is None and args.identifier is None:
        raise UsageError("without --roster, nngrade knows only the batch's student ids (the file or "
                         "folder names), not Moodle users: give --roster participants.csv (exported "
                         "from Moodle) to match them, or say which Moodle field these ids are with "
                         "--identifier email|username|idnumber")
    identifier = args.identifier or "email"
    title = args.assignment_title or get(assignment_id).title
    report = moodle.export_csv(args.results, args.output, title, identifier, args.roster,
                               feedback=not args.no_feedback, missing=args.missing)
    _warn(report.warnings())
    if args.roster is None:
        _warn([f"the first column holds the batch's student ids as '{moodle.IDENTIFIERS[identifier]}' "
               f"(--identifier {identifier}); Moodle rejects rows whose id matches no user"])
    _say(args.output, f"wrote {args.output}: {report.rows} rows; import it in Moodle under Grades → "
                      f"Import → CSV file, mapping '{moodle.IDENTIFIERS[identifier]}' to the user field")
    return 0


def _nbgrader(args) -> int:
    from autograder.exporters.nbgrader import write_course
    path = write_course(args.assignment, Path(args.output), seed=args.seed)
    print(f"wrote {path}; next: cd {args.output} && nbgrader generate_assignment {args.assignment}")
    return 0


def _nbgrader_gradebook(args) -> int:
    from autograder.exporters.nbgrader import import_results
    from autograder.exporters.results import ResultsError
    try:
        report = import_results(args.results, args.db, args.assignment, args.missing)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    _warn(report.warnings())
    print(f"wrote {report.rows} students' grades into {args.db}")
    return 0


def _otter(args) -> int:
    from autograder.exporters.otter import write_assignment
    path = write_assignment(args.assignment, Path(args.output), seed=args.seed)
    print(f"wrote {path}; next: otter assign {path} dist")
    return 0


def _say(output: str, message: str) -> None:
    """What was written: on stdout, unless stdout is the output itself (`-o -`)."""
    print(message, file=sys.stderr if output == "-" else sys.stdout)


def _warn(messages: list[str]) -> None:
    for message in messages:
        print(f"warning: {message}", file=sys.stderr)


RUNNERS = {"gradescope": _gradescope, "canvas": _canvas, "moodle": _moodle, "nbgrader": _nbgrader,
           "nbgrader-gradebook": _nbgrader_gradebook, "otter": _otter}
