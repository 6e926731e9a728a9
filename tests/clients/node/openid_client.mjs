// A relying party on panva's openid-client (v6): discovery from the issuer URL, code flow with PKCE and state.
// Started by the tests: `node openid_client.mjs`, configured by RP_PORT, RP_SIMPLELOGIN_URL, RP_CLIENT_ID,
// RP_OTHER_CLIENT_ID and RP_CLIENT_SECRET, like server.mjs.
//   GET /sign-in/<app>    the "Sign in with SimpleLogin" button      POST /login/<app>   to SimpleLogin
//   GET /callback/<app>   the redirect URI                            GET /me             the signed-in user, or 401
import http from "node:http";
import { randomUUID } from "node:crypto";
import * as client from "openid-client";

const env = process.env;
const origin = `http://127.0.0.1:${env.RP_PORT}`;
const clientIds = { simplelogin: env.RP_CLIENT_ID, "simplelogin-other": env.RP_OTHER_CLIENT_ID };
const configs = {};
const sessions = new Map(); // session id (cookie) -> { pending: {app, verifier, state, nonce}, user }

async function config(app) {
  // http is for the test server on loopback only; a real app talks to an https issuer.
  configs[app] ??= await client.discovery(new URL(env.RP_SIMPLELOGIN_URL), clientIds[app], env.RP_CLIENT_SECRET, undefined, {
    execute: [client.allowInsecureRequests],
  });
  return configs[app];
}

function session(request, response) {
  const id = /(?:^|; )rp_session=([\w-]+)/.exec(request.headers.cookie ?? "")?.[1];
  if (id && sessions.has(id)) return sessions.get(id);
  const fresh = randomUUID();
  sessions.set(fresh, {});
  response.setHeader("set-cookie", `rp_session=${fresh}; HttpOnly; SameSite=Lax; Path=/`);
  return sessions.get(fresh);
}

const send = (response, status, body, headers = {}) => response.writeHead(status, headers).end(body);

async function route(request, response) {
  const url = new URL(request.url, origin);
  const [, action, app] = url.pathname.split("/");
  const state = session(request, response);
  if (action === "health") return send(response, 200, "{}");
  if (action === "sign-in" && app in clientIds)
    return send(response, 200, `<form method="post" action="/login/${app}"><button>Sign in with SimpleLogin</button></form>`, {
      "content-type": "text/html",
    });
  if (action === "login" && app in clientIds && request.method === "POST") {
    const pending = { app, verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
    state.pending = pending;
    const authorize = client.buildAuthorizationUrl(await config(app), {
      redirect_uri: `${origin}/callback/${app}`,
      scope: "openid email profile",
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: "S256",
      state: pending.state,
      nonce: pending.nonce,
    });
    return send(response, 302, "", { location: authorize.href });
  }
  if (action === "callback" && state.pending?.app === app) {
    const { verifier, state: expectedState, nonce } = state.pending;
    delete state.pending;
    const tokens = await client.authorizationCodeGrant(await config(app), url, {
      pkceCodeVerifier: verifier,
      expectedState,
      expectedNonce: nonce,
    });
    const claims = tokens.claims();
    const userinfo = await client.fetchUserInfo(await config(app), tokens.access_token, claims.sub);
    state.user = { app, uid: claims.sub, id_token: claims, userinfo };
    return send(response, 302, "", { location: "/me" });
  }
  if (action === "me" && state.user)
    return send(response, 200, JSON.stringify({ signed_in: true, ...state.user }), { "content-type": "application/json" });
  if (action === "me") return send(response, 401, JSON.stringify({ signed_in: false }), { "content-type": "application/json" });
  return send(response, 404, "");
}

http
  .createServer((request, response) => {
    request.resume();
    request.on("end", () =>
      route(request, response).catch((error) => {
        console.error(error);
        if (!response.headersSent) send(response, 500, String(error));
      }),
    );
  })
  .listen(Number(env.RP_PORT), "127.0.0.1");
