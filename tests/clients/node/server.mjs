// A relying party on Auth.js (@auth/core) with its SimpleLogin provider, changed in nothing but the issuer.
// Started by the tests: `node server.mjs`, configured by RP_PORT, RP_SIMPLELOGIN_URL, RP_CLIENT_ID,
// RP_OTHER_CLIENT_ID (a second app at the same SimpleLogin) and RP_CLIENT_SECRET.
//   GET /sign-in/<provider>   the app's "Sign in with SimpleLogin" button (a POST form with Auth.js's CSRF token)
//   /auth/*                   Auth.js itself (sign-in, callback, session)
//   GET /me                   the signed-in user as Auth.js's session has it, or 401
import http from "node:http";
import { Auth } from "@auth/core";
import SimpleLogin from "@auth/core/providers/simplelogin";

const env = process.env;
const origin = `http://127.0.0.1:${env.RP_PORT}`;
const simplelogin = (id, clientId) =>
  SimpleLogin({ id, clientId, clientSecret: env.RP_CLIENT_SECRET, issuer: env.RP_SIMPLELOGIN_URL });

const config = {
  basePath: "/auth",
  trustHost: true,
  secret: "auth-js-test-only-secret-0123456789abcdef",
  providers: [simplelogin("simplelogin", env.RP_CLIENT_ID), simplelogin("simplelogin-other", env.RP_OTHER_CLIENT_ID)],
  callbacks: {
    jwt({ token, account }) {
      if (account) {
        token.provider = account.provider;
        token.uid = account.providerAccountId;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, provider: token.provider, uid: token.uid };
    },
  },
};

const auth = (path, request, init = {}) =>
  Auth(new Request(`${origin}${path}`, { headers: { cookie: request.headers.cookie ?? "" }, ...init }), config);

async function signInButton(request, provider) {
  const csrf = await auth("/auth/csrf", request);
  const { csrfToken } = await csrf.json();
  const page =
    `<form method="post" action="/auth/signin/${provider}">` +
    `<input type="hidden" name="csrfToken" value="${csrfToken}">` +
    `<input type="hidden" name="callbackUrl" value="${origin}/me">` +
    `<button>Sign in with SimpleLogin</button></form>`;
  return new Response(page, { headers: [["content-type", "text/html"], ...cookiesOf(csrf)] });
}

async function me(request) {
  const session = await (await auth("/auth/session", request)).json();
  if (!session?.user) return Response.json({ signed_in: false }, { status: 401 });
  return Response.json({ signed_in: true, ...session });
}

const cookiesOf = (response) => response.headers.getSetCookie().map((cookie) => ["set-cookie", cookie]);

async function route(request, body) {
  const url = new URL(request.url, origin);
  if (url.pathname === "/health") return Response.json({ ok: true });
  if (url.pathname === "/me") return me(request);
  if (url.pathname.startsWith("/sign-in/")) return signInButton(request, url.pathname.slice("/sign-in/".length));
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) headers.set(name, [value].flat().join(", "));
  const init = { method: request.method, headers };
  if (!["GET", "HEAD"].includes(request.method)) init.body = body;
  return Auth(new Request(`${origin}${request.url}`, init), config);
}

http
  .createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", async () => {
      try {
        const answer = await route(request, Buffer.concat(chunks));
        const headers = {};
        for (const [name, value] of answer.headers) if (name !== "set-cookie") headers[name] = value;
        headers["set-cookie"] = answer.headers.getSetCookie();
        response.writeHead(answer.status, headers);
        response.end(Buffer.from(await answer.arrayBuffer()));
      } catch (error) {
        console.error(error);
        response.writeHead(500).end();
      }
    });
  })
  .listen(Number(env.RP_PORT), "127.0.0.1");
