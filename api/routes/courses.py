"""Treatment courses: create, read, list, cancel."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.courses import CourseIn, CourseOut
from dispatch.courses import courses

router = APIRouter(tags=["courses"])


@router.post("/v1/courses", response_model=CourseOut, status_code=201)
def create_course(body: CourseIn, conn: Conn, who: CurrentUser) -> dict:
    """Start a patient's course: its sessions are movable visits (a range of dates) until a week plan places them."""
    return courses.add_course(conn, who, body.model_dump())


@router.get("/v1/courses/{course_id}", response_model=CourseOut)
def one_course(course_id: int, conn: Conn, who: CurrentUser) -> dict:
    """A course's page: sessions done, planned (date and nurse) and at risk with the reason."""
    return courses.course_page(conn, who, course_id)


@router.get("/v1/regions/{region_id}/courses", response_model=list[CourseOut])
def region_courses(region_id: str, conn: Conn, who: CurrentUser) -> list[dict]:
    """The region's courses."""
    return courses.courses_in(conn, who, region_id)


@router.post("/v1/courses/{course_id}/cancellation", response_model=CourseOut)
def cancel_course(course_id: int, conn: Conn, who: CurrentUser) -> dict:
    """Cancel a course: its sessions not yet given are cancelled."""
    return courses.cancel_course(conn, who, course_id)
