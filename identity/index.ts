/** The identity hub's public surface: what producers, the gateway and projections import. */
export {
  type BindingRefusal,
  type CertificateBindings,
  type CertificateRef,
  createCertificateBindings,
} from './certificate-binding.js';
export { certificateKey, evolveCertificateRow } from './certificate-view.js';
export { type CodeRefusal, type CodeRegistry, createCodeRegistry } from './code-registry.js';
export { codeKey, codeMapView, evolveCodeRow } from './code-view.js';
export { type AgencyCode, HolderId, type Ppid, parseCode } from './codes.js';
export { type DevKeys, ensureDevKeys, generateDevKeys } from './dev-keys.js';
export type {
  AgencyCodeIssued,
  AgencyCodeLog,
  CertificateBindingLog,
  CertificateBound,
  CodeKind,
  EnrolmentLog,
  EventLog,
  IdentityEnrolled,
} from './event-log.js';
export { agencyCodeIssuedCodec, certificateBoundCodec, identityEnrolledCodec } from './identity-codecs.js';
export { createIdentityHub, type IdentityHub } from './identity-hub.js';
export { type IdentityStore, openIdentityStore } from './identity-store.js';
export {
  createKafkaAgencyCodeLog,
  createKafkaCertificateBindingLog,
  createKafkaEnrolmentLog,
  createStoreEventLog,
} from './kafka-enrolment-log.js';
export {
  type IdentityConfig,
  IdentitySettings,
  type KeyRing,
  loadIdentityConfig,
  parseKeyRing,
} from './keys.js';
export { isLinkageId, type LinkageId } from './linkage-id.js';
export {
  checkMyNumber,
  type MyNumber,
  type MyNumberProblem,
  myNumberCheckDigit,
  validateMyNumber,
} from './my-number.js';
export { type PrivacyFinding, type ScanTarget, scanForMyNumbers } from './privacy-scan.js';
export { createVault, type Vault } from './vault.js';
