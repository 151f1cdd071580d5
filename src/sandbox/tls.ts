// The sandbox's own certificate authority and a server certificate for 127.0.0.1/localhost, so clients
// talk HTTPS with verification on (the kubeconfig carries the CA), as they would to a real cluster.
import { generate } from 'selfsigned';

export interface ServerTls {
  caCert: string;
  cert: string;
  key: string;
}

export async function generateServerTls(): Promise<ServerTls> {
  // EC keys: generation takes milliseconds, where RSA 2048 takes a large part of a second.
  const ca = await generate([{ name: 'commonName', value: 'release-kit sandbox CA (simulated cluster)' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'kube-apiserver (release-kit sandbox)' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
          { type: 2, value: 'kubernetes.default.svc' },
        ],
      },
    ],
  });
  return { caCert: ca.cert, cert: server.cert, key: server.private };
}
