"""Pagination of API lists."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def _whole_number(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() else None


class AliasPagination(PageNumberPagination):
    """`?page=N` (from 1), 20 per page by default, `?page_size=` from 1 to 100; anything else is refused."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """The page size asked for; 400 validation_error unless a whole number from 1 to 100."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def get_page_number(self, request, paginator):
        """The page asked for; 404 unless a whole number (DRF would also take "last")."""
        raw = request.query_params.get(self.page_query_param, "1")
        if _whole_number(raw) is None:
            raise NotFound("Invalid page.")
        return raw

    def get_schema_operation_parameters(self, view):
        """DRF's parameters with the bounds the API enforces."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
