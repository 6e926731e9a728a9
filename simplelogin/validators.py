"""Validators shared by forms and API serializers."""

import re

from django.core.validators import RegexValidator

# C0 and C1 control characters (CR, LF, tab, ESC, NUL…), DEL, and the Unicode line and paragraph separators.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

single_line = RegexValidator(
    CONTROL_CHARACTERS,
    inverse_match=True,
    code="single_line",
    message="Use a single line of text, without line breaks, tabs or other control characters.",
)
