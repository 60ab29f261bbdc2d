"""The reports read every app: they use the cases' programs and cases of offices A and B."""

from tests.cases.conftest import case_a, case_b, program_a, program_b  # noqa: F401
