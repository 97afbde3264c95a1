import { X509Certificate } from 'node:crypto';
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import type { Clock } from '../core/clock.js';
import { type ConnectionIdentity, type PeerFacts, verifyPeer } from './agency-auth.js';

const identities = new WeakMap<object, ConnectionIdentity>();

/** The identity a connection's handshake proved; undefined for a socket that never completed one. */
export const connectionIdentity = (socket: object): ConnectionIdentity | undefined => identities.get(socket);

/** A subject with several CNs names no single agency. */
const singleCN = (cn: string | string[] | undefined): string | undefined =>
  typeof cn === 'string' ? cn : undefined;

function peerFacts(socket: TLSSocket, agencyCas: readonly X509Certificate[]): PeerFacts {
  const peer = socket.getPeerCertificate();
  const facts = {
    authorized: socket.authorized === true,
    authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
  };
  if (!peer?.raw) return facts;
  const x509 = new X509Certificate(peer.raw);
  return {
    ...facts,
    certificate: {
      subjectCN: singleCN(peer.subject?.CN),
      serialNumber: x509.serialNumber,
      extendedKeyUsage: x509.keyUsage,
      validFrom: new Date(x509.validFrom),
      validTo: new Date(x509.validTo),
      fingerprint: Buffer.from(x509.fingerprint256.replaceAll(':', ''), 'hex'),
      issuedByAgencyCa: agencyCas.some((ca) => x509.checkIssued(ca) && x509.verify(ca.publicKey)),
    },
  };
}

/**
 * Authenticates every TLS connection once, right after its handshake, and refuses renegotiation on
 * it from then on. Why both: under TLS 1.2 a client may renegotiate and present another certificate
 * mid-connection, which OpenSSL would accept without the verification the first one had; with
 * renegotiation disabled an attempt destroys the connection (node emits ERR_TLS_RENEGOTIATION_DISABLED,
 * handled by the client error handler), and requests never read the peer certificate again, only the
 * identity stored here. TLS 1.3 has no renegotiation; its key updates are not handshakes and pass.
 */
export function authenticateConnections(
  server: TlsServer,
  deps: { agencyCas: readonly X509Certificate[]; clock: Clock },
): void {
  // Prepended: runs before the HTTP layer could parse anything from this connection.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    socket.disableRenegotiation();
    identities.set(socket, verifyPeer(peerFacts(socket, deps.agencyCas), deps.clock.now()));
  });
}

/** The CA certificates of a PEM bundle (GATEWAY_AGENCY_CA may hold several). */
export function certificatesOf(pem: string | Buffer): X509Certificate[] {
  const blocks = String(pem).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}
