// The bench peer: node's oidc-provider, one confidential client (client_secret_basic), an RS256-2048 key,
// everything in memory (bench/peer/adapter.js). A second port on loopback mints codes for bench/run.py.
// Usage: PORT=7790 CONTROL_PORT=7791 node bench/peer/server.js   (prints one JSON line when it listens)
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

import MapAdapter, { size } from './adapter.js';

const port = Number(process.env.PORT || 7790);
const controlPort = Number(process.env.CONTROL_PORT || 7791);
const redirectUri = 'https://bench.example.com/callback';
const scope = 'openid offline_access email profile';
const verifier = process.env.CODE_VERIFIER || 'bench-code-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
const client = {
  client_id: 'bench-client',
  client_secret: crypto.randomBytes(32).toString('base64url'),
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', use: 'sig', alg: 'RS256' };
const account = {
  accountId: 'bench-person',
  async claims() {
    return {
      sub: 'bench-person', email: 'bench@example.com', email_verified: true, name: 'Bench Person',
      picture: 'https://bench.example.com/avatar.png',
    };
  },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  adapter: MapAdapter,
  clients: [client],
  jwks: { keys: [jwk] },
  findAccount: async (_ctx, id) => (id === account.accountId ? account : undefined),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
  scopes: ['openid', 'offline_access', 'email', 'profile'],
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true, allowedPolicy: async (_ctx, caller, token) => token.clientId === caller.clientId },
    revocation: { enabled: true },
  },
  ttl: { AuthorizationCode: 900, AccessToken: 3600, IdToken: 3600, RefreshToken: 30 * 86400, Grant: 30 * 86400 },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
});

async function mint(count) {
  const found = await provider.Client.find(client.client_id);
  const grant = new provider.Grant({ accountId: account.accountId, clientId: client.client_id });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  const codes = [];
  const authTime = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i += 1) {
    const code = new provider.AuthorizationCode({
      accountId: account.accountId, grantId, client: found, redirectUri, scope, nonce: `n-${i}`, authTime,
      codeChallenge: challenge, codeChallengeMethod: 'S256', expiresWithSession: false,
    });
    codes.push(await code.save());
  }
  return codes;
}

const control = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  try {
    if (url.pathname === '/mint') {
      const codes = await mint(Number(url.searchParams.get('n') || 1));
      if (url.searchParams.get('out')) {
        fs.writeFileSync(url.searchParams.get('out'), `${codes.join('\n')}\n`);
        res.end(`${codes.length}\n`);
      } else {
        res.end(`${codes.join('\n')}\n`);
      }
    } else if (url.pathname === '/stats') {
      res.end(JSON.stringify({ entries: size(), rss: process.memoryUsage().rss }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

provider.listen(port, '127.0.0.1', () => {
  control.listen(controlPort, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({
      url: `http://127.0.0.1:${port}`, client_id: client.client_id, client_secret: client.client_secret,
      redirect_uri: redirectUri, code_verifier: verifier, pid: process.pid,
      peer: `oidc-provider ${JSON.parse(fs.readFileSync(new URL('./node_modules/oidc-provider/package.json', import.meta.url))).version}`
        + `, node ${process.version}, one confidential client, RS256-2048, in-memory adapter`,
    })}\n`);
  });
});
