// A stand-in for Microsoft Entra ID and the managed identity endpoint, for the Azure credential
// tests: hands out unsigned storage JWTs (Azurite's basic OAuth does not check signatures).
//   node token_server.mjs --port-file F --client-id ID --client-secret S
// POST /<tenant>/oauth2/v2.0/token (client credentials; a wrong id or secret gets 401
// invalid_client) and GET /metadata/identity/oauth2/token (needs the Metadata: true header).
import fs from 'node:fs';
import http from 'node:http';

const args = process.argv.slice(2);
const opt = (name) => args[args.indexOf('--' + name) + 1];
const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = () => {
  const now = Math.floor(Date.now() / 1000);
  return b64url({alg: 'RS256', typ: 'JWT'}) + '.' +
    b64url({aud: 'https://storage.azure.com', iss: 'https://sts.windows.net/t/', iat: now - 60,
            nbf: now - 60, exp: now + 3600}) + '.c2ln';
};
let issued = 0;
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => body += c);
  req.on('end', () => {
    const reply = (code, o) => {
      res.writeHead(code, {'content-type': 'application/json'});
      res.end(JSON.stringify(o));
    };
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
      const f = new URLSearchParams(body);
      if (f.get('grant_type') !== 'client_credentials' ||
          f.get('scope') !== 'https://storage.azure.com/.default')
        return reply(400, {error: 'invalid_request'});
      if (f.get('client_id') !== opt('client-id') || f.get('client_secret') !== opt('client-secret'))
        return reply(401, {error: 'invalid_client'});
      issued++;
      return reply(200, {token_type: 'Bearer', expires_in: 3600, access_token: jwt()});
    }
    if (req.method === 'GET' && url.pathname === '/metadata/identity/oauth2/token') {
      if (req.headers.metadata !== 'true' || url.searchParams.get('resource') !== 'https://storage.azure.com/')
        return reply(400, {error: 'invalid_request'});
      issued++;
      return reply(200, {token_type: 'Bearer', expires_on: String(Math.floor(Date.now() / 1000) + 3600),
                         access_token: jwt()});
    }
    if (url.pathname === '/issued') return reply(200, {issued});
    reply(404, {error: 'not_found'});
  });
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(opt('port-file') + '.tmp', String(server.address().port));
  fs.renameSync(opt('port-file') + '.tmp', opt('port-file'));
});
process.on('SIGTERM', () => process.exit(0));
