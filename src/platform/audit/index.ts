export { AUDIT_STREAMS, appendAudit, auditHash, auditStream, canonicalJson, recordAudit, verifyAuditChain } from './audit.js';
export type { AuditInput, ChainBreak, ChainReport } from './audit.js';
export type { AuditActorKind, AuditTables } from './audit.tables.js';
