// Starts Azurite's blob service (npm `azurite`) for a test on a free 127.0.0.1 port, in a
// temporary folder, and writes the port to a file once it accepts connections. With --https it
// makes a self-signed certificate (cert.pem in the folder, for SILT_AZURE_CA_FILE) and turns
// on Azurite's basic OAuth, so bearer tokens can be tested. Stops Azurite when it is stopped.
//
//   node azurite.mjs --dir D --port-file F [--https] [--memory]
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : def;
};
const dir = opt('dir');
const portFile = opt('port-file');
const https = args.includes('--https');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'node_modules/.bin/azurite-blob');

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

fs.mkdirSync(dir, {recursive: true});
const extra = [];
if (https) {
  const key = path.join(dir, 'key.pem'), cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
                           '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext',
                           'subjectAltName=IP:127.0.0.1'], {stdio: 'ignore'});
  extra.push('--cert', cert, '--key', key, '--oauth', 'basic');
}
if (args.includes('--memory')) extra.push('--inMemoryPersistence');
else extra.push('--location', path.join(dir, 'data'));
const port = await freePort();
const child = spawn(bin, ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--disableTelemetry', '--skipApiVersionCheck',
                          '--loose', '--silent', '--blobKeepAliveTimeout', '120', ...extra],
                    {stdio: ['ignore', 'pipe', 'inherit']});
let out = '';
child.stdout.on('data', (d) => {
  out += d.toString();
  if (out.includes('successfully listens')) {
    fs.writeFileSync(portFile + '.tmp', String(port));
    fs.renameSync(portFile + '.tmp', portFile);
    out = '';
  }
});
child.on('exit', (code) => process.exit(code ?? 1));
const stop = () => {
  child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
