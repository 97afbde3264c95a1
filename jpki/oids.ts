/** Object identifiers the JPKI modules read or write. */
export const Oid = {
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',

  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',

  kpClientAuth: '1.3.6.1.5.5.7.3.2',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  /** id-kp-documentSigning (RFC 9336): the purpose we give signing certificates. */
  kpDocumentSigning: '1.3.6.1.5.5.7.3.36',

  ocsp: '1.3.6.1.5.5.7.48.1',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
} as const;

/**
 * Where a signing certificate carries the basic four information: subjectAltName otherName
 * entries, as JPKI signing certificates do. The real JPKI profile uses its own OIDs; the test
 * PKI uses an arc under IANA enterprise number 32473, which RFC 5612 reserves for documentation
 * and examples, so no one mistakes a test certificate for a real one. Values are UTF8String.
 */
const BASIC_FOUR_ARC = '1.3.6.1.4.1.32473.8.5';
export const BasicFourOid = {
  name: `${BASIC_FOUR_ARC}.1`,
  address: `${BASIC_FOUR_ARC}.2`,
  dateOfBirth: `${BASIC_FOUR_ARC}.3`,
  gender: `${BASIC_FOUR_ARC}.4`,
} as const;

/** keyUsage bit positions (RFC 5280 §4.2.1.3). */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageName = keyof typeof KeyUsageBit;
