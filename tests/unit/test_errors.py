"""errors.validation_to_app_error: what FastAPI's validation errors become, in the project's
codes. The errors are made by pydantic, as FastAPI makes them: each located in the body, the
query, a header or the path."""

from typing import Any

import pytest
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from helpdesk.errors import (
    AppError,
    BadRequest,
    FieldInvalid,
    FieldRequired,
    NotFound,
    validation_to_app_error,
)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    sla_minutes: int = Field(default=0, ge=0)
    tags: list[str] = []

    @field_validator("title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


def pydantic_errors(data: Any, source: str = "body") -> list[Any]:
    """The errors pydantic gives for `data`, located in `source` as FastAPI locates them."""
    with pytest.raises(ValidationError) as invalid:
        Body.model_validate(data)
    return [{**error, "loc": (source, *error["loc"])} for error in invalid.value.errors()]


def mapped(errors: list[Any]) -> AppError:
    return validation_to_app_error(RequestValidationError(errors))


@pytest.mark.parametrize(
    ("data", "kind", "field", "message"),
    [
        ({}, FieldRequired, "title", "title is required"),
        ({"title": "x", "colour": "red"}, FieldInvalid, "colour", "Unknown field: colour"),
        ({"title": 5}, FieldInvalid, "title", "title: Input should be a valid string"),
        ({"title": "   "}, FieldInvalid, "title", "title: must not be blank"),
        (
            {"title": "x", "sla_minutes": -1},
            FieldInvalid,
            "sla_minutes",
            "sla_minutes: Input should be greater than or equal to 0",
        ),
        ({"title": "x", "tags": ["a", 5]}, FieldInvalid, "tags.1", None),
    ],
    ids=["missing", "unknown", "wrong-type", "value-error", "out-of-range", "nested"],
)
def test_a_field_of_the_body_is_named_with_its_code(
    data: dict[str, Any], kind: type[AppError], field: str, message: str | None
) -> None:
    error = mapped(pydantic_errors(data))

    assert type(error) is kind
    assert error.field == field
    if message is not None:
        assert error.message == message


def test_only_the_first_error_counts() -> None:
    errors = pydantic_errors({"colour": "red"})
    assert len(errors) == 2

    assert (type(mapped(errors)), mapped(errors).field) == (FieldRequired, "title")


def test_an_unknown_field_with_an_empty_name_names_no_field() -> None:
    error = mapped(pydantic_errors({"title": "x", "": 0}))

    assert type(error) is FieldInvalid
    assert error.field is None
    assert error.message == "Unknown field with an empty name"


@pytest.mark.parametrize(
    "error",
    [
        {"type": "json_invalid", "loc": ("body", 10), "msg": "JSON decode error"},
        {"type": "model_attributes_type", "loc": ("body",), "msg": "Input should be an object"},
        {"type": "missing", "loc": ("body",), "msg": "Field required"},
    ],
    ids=["not-json", "not-an-object", "no-body"],
)
def test_a_body_wrong_as_a_whole_is_a_bad_request(error: dict[str, Any]) -> None:
    assert type(mapped([error])) is BadRequest


def test_no_error_at_all_is_a_bad_request() -> None:
    assert type(mapped([])) is BadRequest


def test_a_path_that_does_not_parse_is_not_found() -> None:
    """/api/tickets/abc: no such resource can exist."""
    error = {
        "type": "int_parsing",
        "loc": ("path", "ticket_id"),
        "msg": "Input should be a valid integer",
    }

    assert type(mapped([error])) is NotFound


def test_a_bad_header_is_named_as_it_is_sent() -> None:
    error = {"type": "string_pattern_mismatch", "loc": ("header", "if_match"), "msg": "bad"}

    app_error = mapped([error])

    assert (type(app_error), app_error.field) == (FieldInvalid, "If-Match")
    assert app_error.message == "Invalid header: bad"


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ({"type": "missing", "loc": ("query", "limit"), "msg": "Field required"}, FieldRequired),
        (
            {
                "type": "greater_than_equal",
                "loc": ("query", "limit"),
                "msg": "Input should be >= 1",
            },
            FieldInvalid,
        ),
    ],
    ids=["missing", "invalid"],
)
def test_a_query_parameter_is_named(error: dict[str, Any], kind: type[AppError]) -> None:
    app_error = mapped([error])

    assert (type(app_error), app_error.field) == (kind, "limit")


@pytest.mark.parametrize("kind", [BadRequest, FieldRequired, FieldInvalid, NotFound])
def test_each_mapping_keeps_its_class_status_and_code(kind: type[AppError]) -> None:
    assert (kind().status_code, kind().code) == {
        BadRequest: (400, "BAD_REQUEST"),
        FieldRequired: (400, "FIELD_REQUIRED"),
        FieldInvalid: (400, "FIELD_INVALID"),
        NotFound: (404, "NOT_FOUND"),
    }[kind]
