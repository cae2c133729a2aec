// Signature rate: how many PAdES signatures per second one core makes on a result PDF (target ≥ 50), next to the
// other steps of issuing a result measured the same way in the same run: rendering the document, the whole
// render + leader signature + seal, and our own verification of both signatures. Each operation runs sequentially
// on the main thread, so operations per second of wall time are per core; CPU time per operation is reported too.
// Run by bench/run.ts, or alone: `npx tsx bench/signatures.ts [--quick]`.
import { fileURLToPath } from 'node:url';
import {
  createRootCa,
  issueCertificate,
  pemToDer,
  Pkcs12Signer,
  renderResultDocument,
  signPdf,
  toPkcs12,
  verifyPdfSignatures,
  type ResultDocumentData,
} from '../src/modules/signatures/index.js';
import { integer, ms, percentiles, table, type Percentiles } from './stats.js';

export interface SignatureBenchOptions {
  /** Operations per measured run (a tenth of that again as warm-up). */
  rounds: number;
}

interface Row {
  name: string;
  perSecond: number;
  latency: Percentiles;
  cpuMsPerOp: number;
}

const sample = (code: string): ResultDocumentData => ({
  template: 'generic',
  agency: { name: 'Ủy ban nhân dân phường Hoa Lư', parentName: 'Ủy ban nhân dân tỉnh Ninh Bình', place: 'Ninh Bình' },
  issuedAt: new Date('2026-11-24T03:05:00Z'),
  dossierCode: '000.00.31.H42-261124-0001',
  procedure: { code: '1.001193', name: 'Đăng ký khai sinh' },
  applicantName: 'Nguyễn Thị Hương',
  rows: [
    { label: 'Mã hồ sơ', value: '000.00.31.H42-261124-0001' },
    { label: 'Người nộp hồ sơ', value: 'Nguyễn Thị Hương' },
    { label: 'Kết quả', value: 'Chấp thuận theo đề nghị của người nộp hồ sơ' },
  ],
  leader: { name: 'Phạm Quốc Hùng', title: 'Lãnh đạo cơ quan' },
  verification: { code, url: `https://dichvucong.ninhbinh.gov.vn/xac-minh/${code}` },
});

async function measure(name: string, rounds: number, op: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < Math.max(2, Math.round(rounds / 10)); i++) await op(i);
  const samples: number[] = [];
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await op(i);
    samples.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { name, perSecond: rounds / seconds, latency: percentiles(samples), cpuMsPerOp: (cpu.user + cpu.system) / 1000 / rounds };
}

export async function benchSignatures(options: SignatureBenchOptions): Promise<{ markdown: string; signaturesPerSecond: number }> {
  const root = createRootCa('Bench Root CA');
  const password = 'bench';
  const leader = new Pkcs12Signer(toPkcs12(issueCertificate(root, { commonName: 'Phạm Quốc Hùng', organization: 'Ủy ban nhân dân phường Hoa Lư', kind: 'person' }), [root.certificatePem], password, 'leader'), password);
  const seal = new Pkcs12Signer(toPkcs12(issueCertificate(root, { commonName: 'Ủy ban nhân dân phường Hoa Lư', organization: 'Ủy ban nhân dân phường Hoa Lư', kind: 'seal' }), [root.certificatePem], password, 'seal'), password);
  const trusted = [pemToDer(root.certificatePem)];
  const unsigned = await renderResultDocument(sample('K7Q29XHM3PZAWD4T'));
  const signedOnce = await signPdf(unsigned, leader, { reason: 'Phê duyệt', name: 'Phạm Quốc Hùng', location: 'Ninh Bình' });
  const sealed = await signPdf(signedOnce, seal, { reason: 'Đóng dấu', name: 'Ủy ban nhân dân phường Hoa Lư', location: 'Ninh Bình' });
  if (!verifyPdfSignatures(sealed, trusted).every((s) => s.valid)) throw new Error('bench: the signed sample does not verify');

  const rows: Row[] = [];
  rows.push(await measure('one PAdES signature (leader, RSA 2048, CAdES with signing-certificate-v2)', options.rounds, () => signPdf(unsigned, leader, { reason: 'Phê duyệt', name: 'Phạm Quốc Hùng', location: 'Ninh Bình' })));
  rows.push(await measure('second signature on a signed PDF (seal, incremental update)', options.rounds, () => signPdf(signedOnce, seal, { reason: 'Đóng dấu', name: 'Ủy ban nhân dân phường Hoa Lư', location: 'Ninh Bình' })));
  rows.push(await measure('render the result PDF (fonts, QR)', options.rounds, (i) => renderResultDocument(sample(`K7Q29XHM3PZA${String(i).padStart(4, '0')}`))));
  rows.push(await measure('whole result: render + signature + seal', Math.max(10, Math.round(options.rounds / 2)), async (i) => {
    const pdf = await renderResultDocument(sample(`K7Q29XHM3PZA${String(i).padStart(4, '0')}`));
    const one = await signPdf(pdf, leader, { reason: 'Phê duyệt', name: 'Phạm Quốc Hùng', location: 'Ninh Bình' });
    return signPdf(one, seal, { reason: 'Đóng dấu', name: 'Ủy ban nhân dân phường Hoa Lư', location: 'Ninh Bình' });
  }));
  rows.push(await measure('verify both signatures of a result (our verifier)', options.rounds, async () => verifyPdfSignatures(sealed, trusted)));

  const signaturesPerSecond = rows[0]!.perSecond;
  const markdown = [
    '### Signed results (PAdES)',
    '',
    `Signatures per second per core: **${integer(signaturesPerSecond)}** of wall time, **${integer(1000 / rows[0]!.cpuMsPerOp)}** per second of CPU time (target ≥ 50). Sequential on one thread (wall time includes waiting for a core on a shared machine); ${integer(options.rounds)} operations per row after a warm-up; result PDF of ${integer(unsigned.length / 1024)} KB, ${integer(sealed.length / 1024)} KB with both signatures.`,
    '',
    table(
      ['operation', 'per second (one core, wall)', 'CPU per op', 'per CPU-second', 'p50', 'p95', 'p99'],
      rows.map((r) => [r.name, integer(r.perSecond), ms(r.cpuMsPerOp), integer(1000 / r.cpuMsPerOp), ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99)]),
    ),
  ].join('\n');
  return { markdown, signaturesPerSecond };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const { markdown } = await benchSignatures({ rounds: quick ? 50 : 300 });
  console.log(markdown);
}
