"""The Live class page: the teacher's dashboard, a student's own page, or the join form."""

from __future__ import annotations

from ui import live_common, live_student, live_teacher


def render() -> None:
    if live_common.teacher() is not None:
        live_teacher.render()
    elif live_common.student() is not None:
        live_student.render()
    else:
        live_student.join_form()
