"""schemathesis, every check on, against the served OpenAPI schema and the running app: the two agree."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from accounts.services import api_key_create
from oauth_provider.models import Authorization
from oauth_provider.services import ClientSettings, client_create
from tests.factories import AliasFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

EXAMPLES = 250


def test_api_conforms_to_its_schema(live_server, user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/min"}}
    headers = {"Authorization": f"Bearer {api_key_create(user=user, name='schemathesis')[1]}"}
    for n in range(3):
        alias = AliasFactory(user=user, note=f"note {n}")
    client = client_create(data=ClientSettings(name="Forum", redirect_uris=["https://forum.example/cb"]))[0]
    Authorization.objects.create(user=user, client=client, alias=alias)

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    cases = st.one_of(
        schema.as_strategy(generation_mode=GenerationMode.POSITIVE),
        schema.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    seen = {"calls": 0, "2xx": 0}

    @given(case=cases)
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        # no checks= argument: every check runs (valid data accepted, invalid refused, statuses and bodies as documented)
        response = case.call_and_validate(headers=headers)
        seen["calls"] += 1
        seen["2xx"] += 200 <= response.status_code < 300

    call()
    assert seen["calls"] >= EXAMPLES // 2
    assert seen["2xx"] > 0
