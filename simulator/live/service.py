"""A live class's operations, each checking who may do it: the only way the app and the CLI reach storage.

Who is who
----------
* The **teacher** holds the class's join code and its teacher secret (``secrets.token_urlsafe``,
  256 bits); only its SHA-256 is stored. Every teacher operation takes a :class:`Teacher` credential
  and checks it against the database, each time. Wrong secrets are counted in the database per class
  and source; after :data:`TEACHER_FAILURES_MAX` in :data:`FAILURE_WINDOW` every teacher secret for
  that class from that source is refused until the window has passed (even the right one, so that
  guessing learns nothing).
* A **student** holds the join code and their own rejoin token (128 bits; only its hash stored). A
  token opens only its own class (looked up with the code) and only its own answers and variant.
* The **command line** runs where the database is, with its owner's rights: :class:`LocalAdmin`.

Every text a user types (title, nickname, answer, code, shared link) is length-capped and checked
here, with a message naming the field, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from simulator.live.errors import AccessDenied, ClassStateError, InputError, RateLimited
from simulator.live.marking import mark, parse_answer, to_decimal
from simulator.live.storage import (
    Assignment,
    AuthFailure,
    ClassExercise,
    LiveClass,
    Participant,
    Store,
    Submission,
    utcnow,
)
from simulator.live.variants import describe_variant, student_seed, variant_overrides
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import Scenario, make_scenario
from simulator.params.scenario_file import scenario_from_yaml, scenario_to_yaml
from simulator.present.classroom import EXERCISE_KEYS, Exercise, exercises
from simulator.present.inputs import overrides_from_query

__all__ = [
    "Teacher", "LocalAdmin", "NewClass", "Joined", "StudentView", "StudentExercise", "SubmissionAck",
    "Dashboard", "ExerciseStats", "ParticipantRow", "ClassSummary",
    "create_class", "choose_scenario", "join", "student_view", "student_state", "submit", "dashboard",
    "dashboard_state", "set_exercise",
    "set_joining_locked", "close_class", "remove_participant", "change_scenario", "delete_class", "list_classes",
    "purge_expired", "normalize_code", "check_nickname", "check_title", "exercise_titles",
    "CODE_ALPHABET", "CODE_LENGTH", "NICKNAME_MAX", "TITLE_MAX", "LINK_MAX", "RETENTION", "FAILURE_WINDOW",
    "TEACHER_FAILURES_MAX", "STUDENT_FAILURES_MAX", "JOIN_FAILURES_MAX", "MAX_PARTICIPANTS", "MAX_ATTEMPTS",
]

# --- operational settings (not model inputs) --------------------------------------------------------

#: Join code letters: capitals and digits without the look-alikes 0/O, 1/I/L, so a code read off a
#: projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: Join code length: 31^6 ≈ 887 million codes, so a guessed code (rate-limited) almost never exists.
CODE_LENGTH = 6
#: Teacher secret [bytes of randomness]: 256 bits (at least 128 asked for).
TEACHER_SECRET_BYTES = 32
#: Student rejoin token [bytes of randomness]: 128 bits.
STUDENT_TOKEN_BYTES = 16
#: Longest nickname [characters]: a first name or a handle fits; a sentence of personal data does not.
NICKNAME_MAX = 24
#: Longest class title [characters]: fits one line of the dashboard.
TITLE_MAX = 80
#: Longest shared link accepted as a scenario [characters] (a link with every input changed is ~2,500).
LINK_MAX = 4000
#: Longest source (client address) kept with a failure [characters].
SOURCE_MAX = 64
#: A class and everything in it is deleted this long after it was made (its teacher can delete it sooner).
RETENTION = timedelta(days=30)
#: Window over which wrong secrets, tokens and codes are counted.
FAILURE_WINDOW = timedelta(minutes=10)
#: Wrong teacher secrets per class and source in the window before every attempt is refused.
TEACHER_FAILURES_MAX = 5
#: Wrong rejoin tokens per class and source in the window (a student mistyping a link a few times is fine).
STUDENT_FAILURES_MAX = 10
#: Unknown join codes per source in the window (a class typing codes behind one router: 20 typos).
JOIN_FAILURES_MAX = 20
#: Students per class: a big lecture hall; beyond it joining is refused (caps a flood of fake joins).
MAX_PARTICIPANTS = 300
#: Answers per student and exercise: room for honest retries, not for filling the database.
MAX_ATTEMPTS = 20
#: Characters of a scenario's SHA-256 in a page's state key (a changed scenario changes them).
_STATE_HASH_CHARS = 16
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_REQUEST_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_NICK_PUNCT = set(" .-_'")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _shown(value: Any, limit: int = 40) -> str:
    s = str(value)
    return repr(s if len(s) <= limit else s[:limit] + "…")


# --- validation ------------------------------------------------------------------------------------


def normalize_code(text: str) -> str:
    """Return a join code as typed (any case, spaces or a dash allowed) in its canonical form.

    >>> normalize_code(" k7q-x2m ")
    'K7QX2M'
    """
    t = re.sub(r"[\s-]", "", str(text or "")).upper()
    if len(t) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in t):
        raise InputError(f"join code must be {CODE_LENGTH} letters and digits like K7QX2M (no 0, O, 1, I or L), "
                         f"got {_shown(text)}")
    return t


def check_nickname(text: str) -> str:
    """Return a nickname, trimmed: 1-24 letters, digits, spaces and . - _ '.

    >>> check_nickname("  Ana M. ")
    'Ana M.'
    """
    t = " ".join(str(text or "").split())
    ok = 1 <= len(t) <= NICKNAME_MAX and all(
        c in _NICK_PUNCT or unicodedata.category(c)[0] in "LNM" for c in t)
    if not ok:
        raise InputError(f"nickname must be 1 to {NICKNAME_MAX} letters, digits, spaces and . - _ ' (a first name "
                         f"or a made-up name; no other personal data), got {_shown(text)}")
    return t


def check_title(text: str) -> str:
    """Return a class title, trimmed: 1-80 printable characters."""
    t = " ".join(str(text or "").split())
    if not 1 <= len(t) <= TITLE_MAX or any(unicodedata.category(c)[0] == "C" for c in t):
        raise InputError(f"title must be 1 to {TITLE_MAX} printable characters, got {_shown(text)}")
    return t


def _check_source(source: str | None) -> str:
    return (str(source) if source else "unknown")[:SOURCE_MAX]


def _check_token(field_name: str, token: str) -> str:
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        raise AccessDenied(f"this {field_name} is not valid: open the link you were given again")
    return token


# --- credentials and results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Teacher:
    """The teacher's credential: join code, secret and where the request came from (for rate limits)."""

    code: str
    secret: str = field(repr=False)
    source: str = "unknown"


@dataclass(frozen=True)
class LocalAdmin:
    """The command line's credential: whoever can open the database owns it."""

    code: str


@dataclass(frozen=True)
class NewClass:
    """A class just made. ``teacher_secret`` exists only here: it is not stored anywhere."""

    code: str
    title: str
    teacher_secret: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class Joined:
    """A student just joined. ``token`` exists only here and in their rejoin link."""

    code: str
    nickname: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class StudentExercise:
    """One live exercise as a student sees it."""

    key: str
    title: str
    question: str
    hints: tuple[str, ...]
    ask: str
    unit: str
    tolerance_text: str
    revealed: bool
    answers: int                     # how many they sent
    last_answer: str | None          # as they typed it
    correct: bool | None             # only once revealed
    expected: str | None             # only once revealed


@dataclass(frozen=True)
class StudentView:
    """What a student may see: their class, their variant, their own answers."""

    code: str
    title: str
    nickname: str
    closed: bool
    variant: list[tuple[str, str, str]]
    variant_overrides: dict[str, Any]
    scenario_yaml: str
    exercises: list[StudentExercise]
    revealed_keys: tuple[str, ...]
    state_key: str                   # see student_state: what the teacher controls on this page


@dataclass(frozen=True)
class SubmissionAck:
    """A stored submission: it is in the database when this is returned."""

    id: int
    exercise_key: str
    value: str
    submitted_at: datetime
    duplicate: bool = False          # the same request sent again: stored once


@dataclass(frozen=True)
class ParticipantRow:
    """One student on the teacher's dashboard: variant, right answers and last answers."""

    id: int
    nickname: str
    joined_at: datetime
    removed: bool
    variant: dict[str, Any]
    expected: dict[str, str | None]                 # exercise -> right answer (text)
    answers: dict[str, tuple[str, bool, int]]       # exercise -> (last answer, correct, attempts)


@dataclass(frozen=True)
class ExerciseStats:
    """One exercise on the teacher's dashboard: who answered, who is right, the spread and common wrong answers."""

    key: str
    title: str
    position: int
    live: bool
    revealed: bool
    unit: str
    tolerance_text: str
    submitted: int                   # students with at least one answer
    right: int                       # of those, whose last answer is right
    ratios: list[float]              # each last answer / that student's right answer
    common_wrong: list[tuple[str, int]]


@dataclass(frozen=True)
class Dashboard:
    """Everything the teacher's dashboard shows of a class."""

    code: str
    title: str
    scenario_label: str
    scenario_yaml: str
    closed: bool
    joining_locked: bool
    created_at: datetime
    expires_at: datetime
    participants: list[ParticipantRow]
    exercises: list[ExerciseStats]
    submissions: int
    state_key: str                   # see dashboard_state: changes with anything the dashboard shows


@dataclass(frozen=True)
class ClassSummary:
    """One class in a list of classes (``allofmp3-sim class list``)."""

    code: str
    title: str
    created_at: datetime
    expires_at: datetime
    closed: bool
    joining_locked: bool
    students: int
    submissions: int


# --- rate limiting -------------------------------------------------------------------------------------


def _guard(store: Store, scope: str, source: str, limit: int, what: str) -> None:
    since = utcnow() - FAILURE_WINDOW

    def count(s: Session) -> int:
        return s.scalar(select(func.count()).select_from(AuthFailure).where(
            AuthFailure.scope == scope, AuthFailure.source == source, AuthFailure.at >= since)) or 0

    if store.read(count) >= limit:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise RateLimited(f"too many wrong {what} from this connection: wait {minutes} minutes and try again "
                          f"(at most {limit} in {minutes} minutes)")


def _fail(store: Store, scope: str, source: str) -> None:
    """Record a failure; failures older than the window go (they count for nothing and hold an address)."""
    now = utcnow()

    def add(s: Session) -> None:
        s.execute(delete(AuthFailure).where(AuthFailure.at < now - FAILURE_WINDOW))
        s.add(AuthFailure(scope=scope, source=source, at=now))

    store.write(add)


# --- the class's scenario and exercises ----------------------------------------------------------------------


def choose_scenario(preset: str | None = None, link: str | None = None) -> tuple[Scenario, str, tuple[str, ...]]:
    """Return the class scenario from a preset name or a shared link of the app.

    Parameters
    ----------
    preset : str, optional
        A preset's name (default: the first, the baseline).
    link : str, optional
        A link copied from the app's address bar (or just its ``?...`` part); wins over ``preset``.

    Returns
    -------
    (Scenario, label, notices)
        ``notices`` say which of the link's parameters were ignored.

    Raises
    ------
    InputError
        An unknown preset, a link too long or with values that do not fit together.
    """
    a = load_assumptions()
    if link is not None and str(link).strip():
        text = str(link).strip()
        if len(text) > LINK_MAX or any(unicodedata.category(c)[0] == "C" for c in text):
            raise InputError(f"shared link must be at most {LINK_MAX} printable characters, got {_shown(text)}")
        query = urlsplit(text).query if "?" in text else text
        params = parse_qs(query, keep_blank_values=False)
        q = overrides_from_query(a, params)
        try:
            s = make_scenario(a, preset=q.preset, overrides=q.overrides)
        except ValueError as e:
            raise InputError(f"shared link: {e}") from None
        changed = len(q.overrides)
        return s, f"shared link: preset {s.preset or next(iter(a.presets))}, {changed} input(s) changed", q.notices
    name = preset or next(iter(a.presets))
    if name not in a.presets:
        raise InputError(f"preset must be one of {list(a.presets)}, got {_shown(name)}")
    return make_scenario(a, preset=name), f"preset {name}", ()


def exercise_titles() -> dict[str, str]:
    """Exercise key -> title (titles do not depend on the scenario)."""
    return {e.key: e.title for e in _exercises_cached(scenario_to_yaml(make_scenario()), 0)}


_EX_CACHE: dict[tuple[str, int], list[Exercise]] = {}
_EX_CACHE_MAX = 512  # bounded: a class of 300 students, each variant computed once, plus room


def _exercises_cached(scenario_yaml: str, seed: int) -> list[Exercise]:
    """Return the exercises for a class scenario (seed 0) or a student's variant of it; memoized, bounded."""
    key = (scenario_yaml, seed)
    got = _EX_CACHE.get(key)
    if got is None:
        base = scenario_from_yaml(scenario_yaml)
        s = base if seed == 0 else base.with_overrides(variant_overrides(base, seed))
        got = exercises(s)
        if len(_EX_CACHE) >= _EX_CACHE_MAX:
            _EX_CACHE.pop(next(iter(_EX_CACHE)))
        _EX_CACHE[key] = got
    return got


def _assignments(scenario_yaml: str, seed: int) -> list[dict[str, Any]]:
    rows = []
    for i, e in enumerate(_exercises_cached(scenario_yaml, seed)):
        n = e.numeric
        rows.append(dict(exercise_key=e.key, position=i, expected=None if n is None else str(to_decimal(n.value)),
                         unit="" if n is None else n.unit, tolerance="0" if n is None else str(to_decimal(n.tolerance)),
                         relative=bool(n and n.relative), ask="" if n is None else n.ask))
    return rows


# --- teacher: make, authorize ------------------------------------------------------------------------------


def _new_code(s: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if s.scalar(select(LiveClass.id).where(LiveClass.code == code)) is None:
            return code


def create_class(store: Store, title: str, scenario: Scenario | None = None, *, scenario_label: str = "",
                 live: Sequence[str] | None = None) -> NewClass:
    """Make a class: a join code, a teacher secret (returned once, stored hashed), the scenario.

    Parameters
    ----------
    store : Store
    title : str
        Checked by :func:`check_title`.
    scenario : Scenario, optional
        Default: the baseline preset.
    scenario_label : str
        How the scenario was chosen (shown on the dashboard).
    live : sequence of str, optional
        Exercises live from the start (default: none; the teacher switches them on).

    Returns
    -------
    NewClass
    """
    title = check_title(title)
    s = scenario if scenario is not None else make_scenario()
    label = (scenario_label or (f"preset {s.preset}" if s.preset else "the embedded assumptions"))[:200]
    live_set = set(live or ())
    unknown = live_set - set(EXERCISE_KEYS)
    if unknown:
        raise InputError(f"live exercises must be among {list(EXERCISE_KEYS)}, got {sorted(unknown)}")
    secret = secrets.token_urlsafe(TEACHER_SECRET_BYTES)
    salt = secrets.token_hex(16)
    yaml_text = scenario_to_yaml(s)
    purge_expired(store)
    now = utcnow()

    def make(sess: Session) -> tuple[str, datetime]:
        cls = LiveClass(code=_new_code(sess), title=title, teacher_hash=_hash(secret), variant_salt=salt,
                        scenario_yaml=yaml_text, scenario_label=label, joining_locked=False, closed=False,
                        created_at=now, expires_at=now + RETENTION)
        cls.exercises = [ClassExercise(key=k, position=i, live=k in live_set, revealed=False)
                         for i, k in enumerate(EXERCISE_KEYS)]
        sess.add(cls)
        sess.flush()
        return cls.code, cls.expires_at

    code, expires = store.write(make)
    return NewClass(code=code, title=title, teacher_secret=secret, expires_at=expires)


def _authorize(store: Store, cred: Teacher | LocalAdmin) -> int:
    """Return the class id the credential opens; records and rate-limits failures."""
    if isinstance(cred, LocalAdmin):
        code = normalize_code(cred.code)
        cid = store.read(lambda s: s.scalar(select(LiveClass.id).where(LiveClass.code == code)))
        if cid is None:
            raise AccessDenied(f"no live class has the code {code}")
        return cid
    if not isinstance(cred, Teacher):
        raise AccessDenied("a teacher credential is needed")
    source = _check_source(cred.source)
    try:
        code = normalize_code(cred.code)
    except InputError:
        raise AccessDenied("this teacher link is not valid: open the teacher link you were given again") from None
    scope = f"teacher:{code}"
    _guard(store, scope, source, TEACHER_FAILURES_MAX, "teacher links")
    try:
        secret = _check_token("teacher link", cred.secret)
    except AccessDenied:
        _fail(store, scope, source)
        raise
    found = store.read(lambda s: s.execute(select(LiveClass.id, LiveClass.teacher_hash).where(
        LiveClass.code == code)).first())
    if found is None or not hmac.compare_digest(found.teacher_hash, _hash(secret)):
        _fail(store, scope, source)
        raise AccessDenied("this teacher link is not valid for this class: open the teacher link you were given "
                           "again")
    return found.id


def _get_class(s: Session, cid: int) -> LiveClass:
    cls = s.get(LiveClass, cid)
    if cls is None:
        raise AccessDenied("this class no longer exists (it was deleted)")
    return cls


# --- students -------------------------------------------------------------------------------------------------


def join(store: Store, code: str, nickname: str, *, source: str | None = None) -> Joined:
    """Join a student to a class with its code and a nickname; return their rejoin token (once).

    Raises
    ------
    InputError
        A malformed code or nickname, or a nickname already taken in the class.
    AccessDenied
        No class has this code (counted against the source).
    RateLimited, ClassStateError
        Too many unknown codes; the class is closed, locked or full.
    """
    source = _check_source(source)
    code = normalize_code(code)
    nickname = check_nickname(nickname)
    nick_key = nickname.casefold()
    _guard(store, "join", source, JOIN_FAILURES_MAX, "join codes")
    info = store.read(lambda s: s.execute(select(LiveClass.id, LiveClass.variant_salt, LiveClass.scenario_yaml)
                                          .where(LiveClass.code == code)).first())
    if info is None:
        _fail(store, "join", source)
        raise AccessDenied(f"no live class has the code {code}: check it with your teacher")
    seed = student_seed(info.variant_salt, nick_key)
    base = scenario_from_yaml(info.scenario_yaml)
    overrides = variant_overrides(base, seed)
    rows = _assignments(info.scenario_yaml, seed)   # the model's work, outside the write transaction
    token = secrets.token_urlsafe(STUDENT_TOKEN_BYTES)

    def add(s: Session) -> None:
        cls = _get_class(s, info.id)
        if cls.closed:
            raise ClassStateError(f"class {code} is closed: no one can join it any more")
        if cls.joining_locked:
            raise ClassStateError(f"class {code} is locked: ask your teacher to open it for joining")
        if cls.scenario_yaml != info.scenario_yaml:
            raise _ScenarioChanged
        n = s.scalar(select(func.count()).select_from(Participant).where(Participant.class_id == cls.id)) or 0
        if n >= MAX_PARTICIPANTS:
            raise ClassStateError(f"class {code} is full ({MAX_PARTICIPANTS} students)")
        if s.scalar(select(Participant.id).where(Participant.class_id == cls.id,
                                                 Participant.nickname_key == nick_key)) is not None:
            raise InputError(f"nickname {nickname!r} is already taken in this class: choose another "
                             "(or use your rejoin link if it is you)")
        p = Participant(class_id=cls.id, nickname=nickname, nickname_key=nick_key, token_hash=_hash(token),
                        variant_json=json.dumps(overrides, sort_keys=True), joined_at=utcnow(), removed=False)
        p.assignments = [Assignment(**r) for r in rows]
        s.add(p)

    try:
        store.write(add)
    except _ScenarioChanged:  # the teacher changed the scenario meanwhile: compute the variant again
        return join(store, code, nickname, source=source)
    except IntegrityError:  # two students chose the same nickname at the same instant
        raise InputError(f"nickname {nickname!r} is already taken in this class: choose another") from None
    return Joined(code=code, nickname=nickname, token=token)


class _ScenarioChanged(Exception):
    pass


def _student(s: Session, code: str, token: str) -> tuple[LiveClass, Participant]:
    row = s.execute(select(LiveClass, Participant).join(Participant, Participant.class_id == LiveClass.id).where(
        LiveClass.code == code, Participant.token_hash == _hash(token))).first()
    if row is None:
        raise AccessDenied("this rejoin link is not valid for this class: open the link you were given, or join "
                           "again with the class code")
    cls, p = row
    if p.removed:
        raise AccessDenied("your teacher removed you from this class")
    return cls, p


def _class_state(cls: LiveClass) -> str:
    """Return what every page of a class shows of it: closed, each exercise's flags, scenario and title."""
    flags = ",".join(f"{ce.key}:{ce.live:d}{ce.revealed:d}" for ce in sorted(cls.exercises, key=lambda e: e.position))
    scenario = hashlib.sha256(cls.scenario_yaml.encode()).hexdigest()[:_STATE_HASH_CHARS]
    return f"{cls.closed:d}|{flags}|{scenario}|{cls.title}"


def _student_state(cls: LiveClass, p: Participant, answers: int) -> str:
    """Return the key of what a student's page shows.

    The class's state, whether the student was removed, and how many answers they have sent (from
    this page or another).
    """
    return f"{_class_state(cls)}|{p.removed:d}|{answers}"


def _authorize_student(store: Store, code: str, token: str, source: str | None) -> tuple[str, str, str]:
    source = _check_source(source)
    try:
        code = normalize_code(code)
    except InputError:
        raise AccessDenied("this rejoin link is not valid: join again with the class code") from None
    scope = f"student:{code}"
    _guard(store, scope, source, STUDENT_FAILURES_MAX, "rejoin links")
    try:
        token = _check_token("rejoin link", token)
        store.read(lambda s: _student(s, code, token))
    except AccessDenied as e:
        if "removed" not in str(e):
            _fail(store, scope, source)
        raise
    return code, token, source


def student_view(store: Store, code: str, token: str, *, source: str | None = None) -> StudentView:
    """Return what the student with this rejoin token may see: their variant and their own answers.

    Each exercise's question and hints are those of the student's own variant (a question that quotes
    an input, such as the songs in the lawsuit, quotes the student's value), computed by the model
    outside the read transaction and memoized per process (see :func:`_exercises_cached`).
    """
    code, token, _ = _authorize_student(store, code, token, source)

    def load(s: Session):
        cls, p = _student(s, code, token)
        subs = s.execute(select(Submission.exercise_key, Submission.answer_text, Submission.correct)
                         .where(Submission.participant_id == p.id).order_by(Submission.id)).all()
        flags = [(ce.key, ce.live, ce.revealed) for ce in sorted(cls.exercises, key=lambda e: e.position)]
        return (cls.code, cls.title, cls.closed, cls.scenario_yaml, cls.variant_salt, p.nickname, p.nickname_key,
                p.variant_json, {a.exercise_key: a for a in p.assignments}, subs, flags,
                _student_state(cls, p, len(subs)))

    (code, title, closed, scenario_yaml, salt, nickname, nick_key, variant_json, assign, subs, flags,
     state_key) = store.read(load)
    mine = {e.key: e for e in _exercises_cached(scenario_yaml, student_seed(salt, nick_key))}
    last: dict[str, tuple[str, bool]] = {}
    count: Counter[str] = Counter()
    for k, text_, ok in subs:
        last[k] = (text_, ok)
        count[k] += 1
    out = []
    for key, live, revealed in flags:
        if not live:
            continue
        e, a = mine[key], assign[key]
        out.append(StudentExercise(
            key=key, title=e.title, question=e.question, hints=e.hints, ask=a.ask, unit=a.unit,
            tolerance_text=_tolerance_text(a), revealed=revealed, answers=count[key],
            last_answer=last.get(key, (None, None))[0],
            correct=last[key][1] if revealed and key in last else None,
            expected=a.expected if revealed else None))
    overrides = json.loads(variant_json)
    base = scenario_from_yaml(scenario_yaml)
    return StudentView(code=code, title=title, nickname=nickname, closed=closed,
                       variant=describe_variant(base, overrides), variant_overrides=overrides,
                       scenario_yaml=scenario_yaml, exercises=out,
                       revealed_keys=tuple(k for k, _, revealed in flags if revealed), state_key=state_key)


def student_state(store: Store, code: str, token: str, *, source: str | None = None) -> str:
    """Return the key of what the teacher controls on this student's page (a cheap read for polling).

    It equals :attr:`StudentView.state_key` of a :func:`student_view` read at the same moment, and
    changes exactly when the teacher makes an exercise live or not, reveals one, closes the class or
    changes its scenario, or an answer of this student is stored (from any of their tabs): a page
    drawn with another key is out of date.

    Raises
    ------
    AccessDenied, RateLimited
        As :func:`student_view` (a wrong, forged or removed token).
    """
    code, token, _ = _authorize_student(store, code, token, source)

    def load(s: Session) -> str:
        cls, p = _student(s, code, token)
        answers = s.scalar(select(func.count(Submission.id)).where(Submission.participant_id == p.id))
        return _student_state(cls, p, answers or 0)

    return store.read(load)


def _tolerance_text(a: Assignment) -> str:
    if a.expected is None:
        return ""
    if a.relative:
        return f"within {float(a.tolerance):.0%} of the model's value"
    return f"within ±{a.tolerance} {a.unit}".rstrip()


def submit(store: Store, code: str, token: str, exercise_key: str, answer: str, request_id: str, *,
           source: str | None = None) -> SubmissionAck:
    """Store a student's answer to a live exercise, marked against their own right answer.

    ``request_id`` (8-64 letters, digits, - or _; one per click) makes a resent request store once.

    Raises
    ------
    InputError
        The answer is not a number (the message says what is allowed), or a malformed request id.
    AccessDenied, RateLimited
        A wrong, forged or removed token.
    ClassStateError
        The class is closed, the exercise is not live or already revealed, or too many answers.
    """
    value = parse_answer(answer)
    if not isinstance(request_id, str) or not _REQUEST_RE.match(request_id):
        raise InputError(f"request id must be 8 to 64 letters, digits, - or _, got {_shown(request_id)}")
    if exercise_key not in EXERCISE_KEYS:
        raise InputError(f"exercise must be one of {list(EXERCISE_KEYS)}, got {_shown(exercise_key)}")
    code, token, _ = _authorize_student(store, code, token, source)
    answer_text = " ".join(answer.split())

    def add(s: Session) -> SubmissionAck:
        cls, p = _student(s, code, token)
        dup = s.scalar(select(Submission).where(Submission.participant_id == p.id,
                                                Submission.request_id == request_id))
        if dup is not None:
            assert dup is not None  # the unique (participant, request id) constraint just refused a second row
            return SubmissionAck(dup.id, dup.exercise_key, dup.value, dup.submitted_at, duplicate=True)
        ce = next(ce for ce in cls.exercises if ce.key == exercise_key)
        if cls.closed:
            raise ClassStateError("this class is closed: answers are no longer taken")
        if not ce.live:
            raise ClassStateError(f"exercise {exercise_key!r} is not live in this class")
        if ce.revealed:
            raise ClassStateError("the answer to this exercise has been revealed: answers are no longer taken")
        n = s.scalar(select(func.count()).select_from(Submission).where(
            Submission.participant_id == p.id, Submission.exercise_key == exercise_key)) or 0
        if n >= MAX_ATTEMPTS:
            raise ClassStateError(f"at most {MAX_ATTEMPTS} answers per exercise")
        a = s.get(Assignment, (p.id, exercise_key))
        ok = a is not None and a.expected is not None and mark(
            value, Decimal(a.expected), Decimal(a.tolerance), relative=a.relative)
        sub = Submission(class_id=cls.id, participant_id=p.id, exercise_key=exercise_key, answer_text=answer_text,
                         value=str(value), correct=ok, request_id=request_id, submitted_at=utcnow())
        s.add(sub)
        s.flush()
        return SubmissionAck(sub.id, exercise_key, sub.value, sub.submitted_at)

    try:
        return store.write(add)
    except IntegrityError:  # the same request id, sent twice at the same instant: the other one stored it
        def again(s: Session) -> SubmissionAck:
            _, p = _student(s, code, token)
            dup = s.scalar(select(Submission).where(Submission.participant_id == p.id,
                                                    Submission.request_id == request_id))
            assert dup is not None  # the unique (participant, request id) constraint just refused a second row
            return SubmissionAck(dup.id, dup.exercise_key, dup.value, dup.submitted_at, duplicate=True)
        return store.read(again)


# --- teacher: dashboard and controls ----------------------------------------------------------------------------


def _ratio(value: str, expected: str | None) -> float | None:
    if expected is None:
        return None
    e = Decimal(expected)
    return float(Decimal(value) / e) if e != 0 else None


def _dashboard_state(cls: LiveClass, participants: int, removed: int, submissions: int, last_id: int | None) -> str:
    """Return the key of everything a dashboard shows.

    The class's state, its joining lock and scenario label, how many students (and removed ones) and
    answers there are, and the newest answer's id (answers are only ever added, or all deleted with
    their class).
    """
    return (f"{_class_state(cls)}|{cls.joining_locked:d}|{cls.scenario_label}|{participants}-{removed}|"
            f"{submissions}-{last_id}")


def dashboard_state(store: Store, cred: Teacher | LocalAdmin) -> str:
    """Return the key of everything the teacher's dashboard shows (a cheap read for polling).

    It equals :attr:`Dashboard.state_key` of a :func:`dashboard` read at the same moment; a dashboard
    drawn with another key is out of date (a student joined or was removed, an answer arrived, an
    exercise or the class changed).

    Raises
    ------
    AccessDenied, RateLimited
        As :func:`dashboard`.
    """
    cid = _authorize(store, cred)

    def load(s: Session) -> str:
        cls = _get_class(s, cid)
        n, gone = s.execute(select(func.count(Participant.id), func.count(Participant.id).filter(Participant.removed))
                            .where(Participant.class_id == cid)).one()
        subs, last_id = s.execute(select(func.count(Submission.id), func.max(Submission.id))
                                  .where(Submission.class_id == cid)).one()
        return _dashboard_state(cls, n, gone, subs, last_id)

    return store.read(load)


def dashboard(store: Store, cred: Teacher | LocalAdmin) -> Dashboard:
    """Everything the teacher sees: students, variants, answers, and per exercise the spread of answers.

    For each exercise, ``ratios`` holds each student's last answer divided by their own right answer
    (1 = right; variants differ, so raw numbers are not comparable), and ``common_wrong`` the wrong
    ratios that recur, rounded to two significant figures (e.g. ``×1.05`` for a MB of 1,048,576 bytes).
    """
    cid = _authorize(store, cred)

    def load(s: Session) -> Dashboard:
        cls = _get_class(s, cid)
        parts = s.scalars(select(Participant).where(Participant.class_id == cid).order_by(Participant.id)).all()
        assigns = s.execute(select(Assignment.participant_id, Assignment.exercise_key, Assignment.expected)
                            .join(Participant, Participant.id == Assignment.participant_id)
                            .where(Participant.class_id == cid)).all()
        expected: dict[int, dict[str, str | None]] = {}
        for pid, k, ev in assigns:
            expected.setdefault(pid, {})[k] = ev
        subs = s.execute(select(Submission.participant_id, Submission.exercise_key, Submission.answer_text,
                                Submission.value, Submission.correct, Submission.id)
                         .where(Submission.class_id == cid).order_by(Submission.id)).all()
        last: dict[tuple[int, str], tuple[str, str, bool]] = {}
        attempts: Counter[tuple[int, str]] = Counter()
        for pid, k, t, v, ok, _ in subs:
            last[(pid, k)] = (t, v, ok)
            attempts[(pid, k)] += 1
        removed = {p.id for p in parts if p.removed}
        rows = [ParticipantRow(
            id=p.id, nickname=p.nickname, joined_at=p.joined_at, removed=p.removed, variant=json.loads(p.variant_json),
            expected=expected.get(p.id, {}),
            answers={k: (t, ok, attempts[(pid, k)]) for (pid, k), (t, _, ok) in last.items() if pid == p.id})
            for p in parts]
        class_ex = {e.key: e for e in _exercises_cached(cls.scenario_yaml, 0)}
        stats = []
        for ce in cls.exercises:
            e = class_ex[ce.key]
            mine = [(pid, v, ok) for (pid, k), (_, v, ok) in last.items() if k == ce.key and pid not in removed]
            ratios: list[float] = []
            wrong: Counter[str] = Counter()
            for pid, v, ok in mine:
                r = _ratio(v, expected.get(pid, {}).get(ce.key))
                if r is not None:
                    ratios.append(r)
                    if not ok:
                        wrong[f"×{r:.2g}"] += 1
            n = e.numeric
            stats.append(ExerciseStats(
                key=ce.key, title=e.title, position=ce.position, live=ce.live, revealed=ce.revealed,
                unit=n.unit if n else "", tolerance_text=n.tolerance_text() if n else "", submitted=len(mine),
                right=sum(1 for _, _, ok in mine if ok), ratios=ratios,
                common_wrong=[(k, c) for k, c in wrong.most_common(5) if c >= 1]))
        return Dashboard(code=cls.code, title=cls.title, scenario_label=cls.scenario_label,
                         scenario_yaml=cls.scenario_yaml, closed=cls.closed, joining_locked=cls.joining_locked,
                         created_at=cls.created_at, expires_at=cls.expires_at, participants=rows, exercises=stats,
                         submissions=len(subs),
                         state_key=_dashboard_state(cls, len(parts), len(removed), len(subs),
                                                    subs[-1].id if subs else None))

    return store.read(load)


def set_exercise(store: Store, cred: Teacher | LocalAdmin, key: str, *, live: bool | None = None,
                 revealed: bool | None = None) -> None:
    """Make an exercise live (or not) and reveal its answer (or hide it again)."""
    if key not in EXERCISE_KEYS:
        raise InputError(f"exercise must be one of {list(EXERCISE_KEYS)}, got {_shown(key)}")
    cid = _authorize(store, cred)

    def upd(s: Session) -> None:
        ce = s.get(ClassExercise, (cid, key))
        if ce is None:
            raise AccessDenied("this class no longer exists (it was deleted)")
        if live is not None:
            ce.live = bool(live)
        if revealed is not None:
            ce.revealed = bool(revealed)

    store.write(upd)


def set_joining_locked(store: Store, cred: Teacher | LocalAdmin, locked: bool) -> None:
    """Lock (or reopen) joining: students already in keep working."""
    cid = _authorize(store, cred)
    store.write(lambda s: setattr(_get_class(s, cid), "joining_locked", bool(locked)))


def close_class(store: Store, cred: Teacher | LocalAdmin) -> None:
    """Close the class: no more joining or answers; everything stays readable and exportable."""
    cid = _authorize(store, cred)
    store.write(lambda s: setattr(_get_class(s, cid), "closed", True))


def remove_participant(store: Store, cred: Teacher | LocalAdmin, participant_id: int) -> None:
    """Remove a student: their link stops working and their answers leave the charts (kept in the export)."""
    cid = _authorize(store, cred)

    def upd(s: Session) -> None:
        p = s.get(Participant, int(participant_id))
        if p is None or p.class_id != cid:  # another class's student is not this teacher's to remove
            raise AccessDenied(f"no student {participant_id} in this class")
        p.removed = True

    store.write(upd)


def change_scenario(store: Store, cred: Teacher | LocalAdmin, scenario: Scenario, label: str) -> None:
    """Choose another scenario: every student's variant and right answers are computed again.

    Raises
    ------
    ClassStateError
        Once an answer has been given (marks would change under the students' feet).
    """
    cid = _authorize(store, cred)
    yaml_text = scenario_to_yaml(scenario)
    people = store.read(lambda s: s.execute(
        select(Participant.id, Participant.nickname_key, LiveClass.variant_salt)
        .join(LiveClass, LiveClass.id == Participant.class_id).where(Participant.class_id == cid)).all())
    fresh = {pid: (variant_overrides(scenario, student_seed(salt, key)), _assignments(yaml_text, student_seed(salt, key)))
             for pid, key, salt in people}

    def upd(s: Session) -> None:
        cls = _get_class(s, cid)
        if s.scalar(select(func.count()).select_from(Submission).where(Submission.class_id == cid)):
            raise ClassStateError("the scenario cannot change once students have answered: start a new class")
        ids = set(s.scalars(select(Participant.id).where(Participant.class_id == cid)).all())
        if ids != set(fresh):
            raise ClassStateError("students joined meanwhile: choose the scenario again")
        cls.scenario_yaml, cls.scenario_label = yaml_text, label[:200]
        s.execute(delete(Assignment).where(Assignment.participant_id.in_(ids)))
        for pid, (ov, rows) in fresh.items():
            participant = s.get(Participant, pid)
            assert participant is not None  # pid comes from this class's participants, read in this transaction
            participant.variant_json = json.dumps(ov, sort_keys=True)
            s.add_all(Assignment(participant_id=pid, **r) for r in rows)

    store.write(upd)


def delete_class(store: Store, cred: Teacher | LocalAdmin) -> str:
    """Delete the class and everything in it (students, answers, failures); returns its code."""
    cid = _authorize(store, cred)

    def rm(s: Session) -> str:
        cls = _get_class(s, cid)
        code = cls.code
        s.execute(delete(Submission).where(Submission.class_id == cid))
        s.execute(delete(LiveClass).where(LiveClass.id == cid))  # cascades to exercises, students, assignments
        s.execute(delete(AuthFailure).where(AuthFailure.scope.in_([f"teacher:{code}", f"student:{code}"])))
        return code

    return store.write(rm)


def purge_expired(store: Store, now: datetime | None = None) -> int:
    """Delete classes past their expiry (see :data:`RETENTION`) and failures past the window.

    Returns the number of classes deleted.
    """
    now = now or utcnow()

    def rm(s: Session) -> int:
        ids = s.scalars(select(LiveClass.id).where(LiveClass.expires_at < now)).all()
        if ids:
            s.execute(delete(Submission).where(Submission.class_id.in_(ids)))
            s.execute(delete(LiveClass).where(LiveClass.id.in_(ids)))
        s.execute(delete(AuthFailure).where(AuthFailure.at < now - FAILURE_WINDOW))
        return len(ids)

    return store.write(rm)


def list_classes(store: Store) -> list[ClassSummary]:
    """Every class in the database (for its owner: the command line), newest first; expired ones purged."""
    purge_expired(store)

    def load(s: Session) -> list[ClassSummary]:
        students = dict(s.execute(select(Participant.class_id, func.count()).group_by(Participant.class_id)).all())
        subs = dict(s.execute(select(Submission.class_id, func.count()).group_by(Submission.class_id)).all())
        return [ClassSummary(c.code, c.title, c.created_at, c.expires_at, c.closed, c.joining_locked,
                             students.get(c.id, 0), subs.get(c.id, 0))
                for c in s.scalars(select(LiveClass).order_by(LiveClass.created_at.desc(), LiveClass.id.desc()))]

    return store.read(load)
