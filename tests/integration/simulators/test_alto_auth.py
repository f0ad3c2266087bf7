"""OAuth client credentials and the AgencyRef header, as Alto enforces them."""

from __future__ import annotations

import httpx

from repairlink.simulators.alto import RunningAlto, running_alto

GRANT = {"grant_type": "client_credentials"}


class TestToken:
    def test_client_credentials_in_basic_auth_get_a_bearer_token(self, alto: RunningAlto) -> None:
        response = httpx.post(f"{alto.base_url}/token", auth=alto.basic_auth, data=GRANT)
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 3600
        assert body["access_token"]

    def test_credentials_in_the_form_are_accepted_too(self, alto: RunningAlto) -> None:
        form = {**GRANT, "client_id": alto.client_id, "client_secret": alto.client_secret}
        assert httpx.post(f"{alto.base_url}/token", data=form).status_code == 200

    def test_a_wrong_secret_is_401_invalid_client(self, alto: RunningAlto) -> None:
        response = httpx.post(f"{alto.base_url}/token", auth=(alto.client_id, "nope"), data=GRANT)
        assert response.status_code == 401
        assert response.json() == {"error": "invalid_client"}

    def test_another_grant_type_is_400(self, alto: RunningAlto) -> None:
        response = httpx.post(
            f"{alto.base_url}/token", auth=alto.basic_auth, data={"grant_type": "password"}
        )
        assert response.status_code == 400

    def test_credentials_are_whatever_the_simulator_was_started_with(self) -> None:
        with running_alto(units=10, client_id="acme", client_secret="s3cret") as sim:
            ok = httpx.post(f"{sim.base_url}/token", auth=("acme", "s3cret"), data=GRANT)
            default = httpx.post(
                f"{sim.base_url}/token", auth=("repairlink-sim", "sim-secret"), data=GRANT
            )
        assert (ok.status_code, default.status_code) == (200, 401)


class TestDataCalls:
    def test_no_token_is_401_with_a_bearer_challenge(self, alto: RunningAlto) -> None:
        response = httpx.get(f"{alto.base_url}/tenancies", headers={"AgencyRef": alto.agency_ref})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"

    def test_an_unknown_token_is_401(self, alto: RunningAlto) -> None:
        headers = {"Authorization": "Bearer made-up", "AgencyRef": alto.agency_ref}
        assert httpx.get(f"{alto.base_url}/tenancies", headers=headers).status_code == 401

    def test_a_missing_agency_ref_is_400(self, alto: RunningAlto) -> None:
        headers = {"Authorization": f"Bearer {alto.token()}"}
        response = httpx.get(f"{alto.base_url}/tenancies", headers=headers)
        assert response.status_code == 400
        assert "AgencyRef" in response.json()["detail"]

    def test_a_wrong_agency_ref_is_403(self, alto: RunningAlto) -> None:
        headers = {
            "Authorization": f"Bearer {alto.token()}",
            "AgencyRef": "00000000-0000-0000-0000-000000000000",
        }
        assert httpx.get(f"{alto.base_url}/tenancies", headers=headers).status_code == 403

    def test_token_and_agency_ref_together_are_enough(self, alto: RunningAlto) -> None:
        with alto.client() as client:
            assert client.get("/tenancies").status_code == 200

    def test_expired_tokens_are_refused_until_a_new_one_is_fetched(self) -> None:
        with running_alto(units=10) as sim, sim.client() as client:
            sim.admin("POST", "tokens/expire")
            assert client.get("/suppliers").status_code == 401
            client.headers["Authorization"] = f"Bearer {sim.token()}"
            assert client.get("/suppliers").status_code == 200
