"""The API's request parser."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    """DRF's JSON parser; a body nested too deeply for Python's decoder is a parse error (400), not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        """The parsed body; ParseError for invalid JSON, bad UTF-8 or too much nesting."""
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
