import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as pkijs from 'pkijs';
import type { Clock } from '../../core/clock.js';
import { readNonce } from '../ocsp.js';
import { parseDer, pkiCrypto, serialHex, toHex } from '../pki.js';
import type { RevocationReason } from '../revocation.js';
import { buildOcspResponse, type OcspCertStatus, ocspResponseEnvelope } from './pki/ocsp-builder.js';

/**
 * A small RFC 6960 responder for the test PKI and demos: POST only, loopback, answers from the
 * revocation list it is given. Test knobs (`behaviour`) make it misbehave on purpose.
 */
export interface ResponderBehaviour {
  /** 'echo' (default) returns the request nonce; 'wrong' returns another one; 'omit' none. */
  nonce: 'echo' | 'wrong' | 'omit';
  /** Answer bytes that are not an OCSP response. */
  garbage: boolean;
}

export interface OcspResponderOptions {
  /** The CA itself, or a delegated responder certificate it issued. */
  signer: { certificate: pkijs.Certificate; privateKey: CryptoKey };
  /** The CA whose certificates this responder answers for. */
  issuerCertificate: pkijs.Certificate;
  revoked: () => ReadonlyMap<string, { revokedAt: Date; reason: RevocationReason }>;
  clock: Clock;
  /** How long an answer stays valid (nextUpdate - thisUpdate). */
  validityMs?: number;
  host?: string;
  port?: number;
}

export interface RunningResponder {
  url: string;
  behaviour: ResponderBehaviour;
  requestsServed(): number;
  stop(): Promise<void>;
}

async function issuerHashes(issuer: pkijs.Certificate, hashOid: string): Promise<string | undefined> {
  const algorithm = pkiCrypto().getAlgorithmByOID<Algorithm>(hashOid);
  if (!('name' in algorithm)) return undefined;
  const name = await globalThis.crypto.subtle.digest(algorithm.name, issuer.subject.toSchema().toBER(false));
  const key = await globalThis.crypto.subtle.digest(
    algorithm.name,
    new Uint8Array(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
  );
  return `${toHex(name)}:${toHex(key)}`;
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startOcspResponder(options: OcspResponderOptions): Promise<RunningResponder> {
  const behaviour: ResponderBehaviour = { nonce: 'echo', garbage: false };
  const validityMs = options.validityMs ?? 60 * 60_000;
  let served = 0;

  async function answer(body: Uint8Array): Promise<Uint8Array> {
    const request = parseDer(body, (schema) => new pkijs.OCSPRequest({ schema }));
    if (!request || request.tbsRequest.requestList.length === 0) return ocspResponseEnvelope(1);
    const now = options.clock.now();
    const revoked = options.revoked();
    const responses = await Promise.all(
      request.tbsRequest.requestList.map(async ({ reqCert }) => {
        const ours = await issuerHashes(options.issuerCertificate, reqCert.hashAlgorithm.algorithmId);
        const asked = `${toHex(reqCert.issuerNameHash.valueBlock.valueHexView)}:${toHex(reqCert.issuerKeyHash.valueBlock.valueHexView)}`;
        const entry = revoked.get(serialHex(reqCert.serialNumber));
        const certStatus: OcspCertStatus =
          ours !== asked
            ? { status: 'unknown' }
            : entry
              ? { status: 'revoked', ...entry }
              : { status: 'good' };
        return {
          certId: reqCert,
          certStatus,
          thisUpdate: now,
          nextUpdate: new Date(now.getTime() + validityMs),
        };
      }),
    );
    const asked = readNonce(request.tbsRequest.requestExtensions);
    const nonce =
      behaviour.nonce === 'omit' || !asked
        ? undefined
        : behaviour.nonce === 'wrong'
          ? globalThis.crypto.getRandomValues(new Uint8Array(asked.length))
          : asked;
    return buildOcspResponse({
      signer: options.signer,
      includeSignerCertificate: !options.signer.certificate.subject.isEqual(
        options.issuerCertificate.subject,
      ),
      producedAt: now,
      responses,
      ...(nonce ? { nonce } : {}),
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    served += 1;
    const raw = await readBody(request);
    const body = behaviour.garbage ? new TextEncoder().encode('<html>maintenance</html>') : await answer(raw);
    response
      .writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length })
      .end(body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    behaviour,
    requestsServed: () => served,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
