"""Pagination of API lists."""

from rest_framework.pagination import PageNumberPagination


class AliasPagination(PageNumberPagination):
    """`?page=N`, 20 per page by default, `?page_size=` up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
