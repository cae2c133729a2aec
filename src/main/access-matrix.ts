/**
 * Who may use each route of the web process: one row per `METHOD /url` the server registers (the access-matrix test
 * fails when a route has no row, or a row names no route, or a request's outcome differs from its row).
 *
 * Visitors: anonymous; citizen A (who applied for the fixture dossier at commune X) and citizen B (another citizen);
 * at commune X, where the dossier was received: its desk officer, handler, leader and agency administrator; at the
 * Department of Justice (Y), a desk officer and a handler; the system administrator.
 */
export const ROLES = ['anonymous', 'citizenA', 'citizenB', 'deskX', 'handlerX', 'leaderX', 'adminX', 'deskY', 'handlerY', 'systemAdmin'] as const;
export type Role = (typeof ROLES)[number];

export interface AccessRow {
  /** The visitors who get past authorisation; every other one must be denied. */
  allow: readonly Role[];
  /** Parameters in place of the fixtures (see the test); `:name` takes the fixture of that name. */
  params?: Record<string, string>;
  /** Query string appended to the URL; `:name` takes the fixture of that name (e.g. `check=:check`). */
  query?: string;
  /** Form fields for POST routes (default: none, so that allowed visitors meet validation, not a change). */
  body?: Record<string, string>;
  /** The request ends the visitor's session (sign out): the test signs them in again. */
  endsSession?: boolean;
}

const all = ROLES;
const signedIn = ROLES.filter((r) => r !== 'anonymous');
const citizens: Role[] = ['citizenA', 'citizenB'];
const owner: Role[] = ['citizenA'];
const officers: Role[] = ['deskX', 'handlerX', 'leaderX', 'adminX', 'deskY', 'handlerY', 'systemAdmin'];

export const ACCESS_MATRIX: Record<string, AccessRow> = {
  // Resources with an owner are made for real by the test's fixture (a paid fee with its payment order and e-receipt,
  // a signed result filed in the vault, a desk-entry draft): their rows name the fixture with `:name` parameters.
  'GET /': { allow: all },
  'GET /api/docs': { allow: all },
  'GET /api/docs/json': { allow: all },
  'GET /api/docs/static/*': { allow: [] },
  'GET /api/docs/static/index.html': { allow: all },
  'GET /api/docs/static/swagger-initializer.js': { allow: all },
  'GET /api/docs/yaml': { allow: all },
  // the gateway's server-to-server notification: no session; authenticated by its HMAC (payments tests cover forgeries)
  'GET /api/thanh-toan/ipn': { allow: all },
  'GET /api/v1/dossiers/:code/status': { allow: all, query: 'check=:check' },
  'GET /api/v1/procedures': { allow: all },
  'GET /api/v1/procedures/:code': { allow: all },
  'GET /api/v1/sectors': { allow: all },
  'GET /assets/*': { allow: all },
  // the e-receipt's public verification (its QR): anyone with the code, payer's name masked
  'GET /bien-lai/:verificationCode': { allow: all, params: { verificationCode: ':receiptCode' } },
  'GET /can-bo/chi-so': { allow: ['leaderX', 'adminX', 'systemAdmin'] },
  'GET /can-bo/chi-so.csv': { allow: ['leaderX', 'adminX', 'systemAdmin'] },
  'GET /can-bo/chi-so.xlsx': { allow: ['leaderX', 'adminX', 'systemAdmin'] },
  'GET /can-bo/chi-so/ho-so': { allow: ['leaderX', 'adminX', 'systemAdmin'] },
  'GET /can-bo/ho-so/:code': { allow: ['deskX'] },
  'GET /can-bo/ho-so/:code/le-phi': { allow: ['deskX'] },
  'GET /can-bo/ho-so/:code/phieu/:form': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX'] },
  'GET /can-bo/ho-so/:code/tai-lieu/:documentId': { allow: ['deskX'] },
  // complaints: the desk officers and leaders of each agency see their agency's queue; the fixture complaint is X's
  'GET /can-bo/phan-anh': { allow: ['deskX', 'leaderX', 'deskY'] },
  'GET /can-bo/phan-anh/:complaintId': { allow: ['deskX', 'leaderX'] },
  'GET /can-bo/quy-trinh': { allow: officers },
  'GET /can-bo/quy-trinh/:procedureCode': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX', 'systemAdmin'] },
  'GET /can-bo/so-hoa': { allow: ['deskX', 'leaderX', 'deskY'] },
  'GET /can-bo/so-theo-doi': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX', 'deskY', 'handlerY'] },
  'GET /can-bo/so-theo-doi.csv': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX', 'deskY', 'handlerY'] },
  'GET /can-bo/so-theo-doi.xlsx': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX', 'deskY', 'handlerY'] },
  'GET /can-bo/tiep-nhan': { allow: ['deskX', 'deskY'] },
  'GET /can-bo/tiep-nhan/moi': { allow: ['deskX', 'deskY'] },
  // a walk-in dossier's draft is the desk officer's who started it, no one else's
  'GET /can-bo/tiep-nhan/moi/:draftId': { allow: ['deskX'], params: { draftId: ':deskDraftId' } },
  'GET /can-bo/tiep-nhan/moi/:draftId/:section': { allow: ['deskX'], params: { draftId: ':deskDraftId', section: ':deskSection' } },
  'GET /can-bo/viec-can-lam': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX', 'deskY', 'handlerY'] },
  'GET /can-bo/viec/:id': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX'] },
  'GET /can-bo/viec/:id/tai-lieu/:documentId': { allow: ['deskX', 'handlerX', 'leaderX', 'adminX'] },
  'GET /co-quan': { allow: all },
  'GET /co-quan/:code': { allow: all },
  // the rating link: the token is the authorisation; a wrong one is refused to everybody
  'GET /danh-gia/:token': { allow: [] },
  'GET /dang-ky': { allow: all },
  'GET /dang-nhap': { allow: all },
  // likewise
  'GET /dang-nhap/dang-ky-ma-xac-thuc': { allow: [] },
  // the second-factor step exists only after a right password (signed pending cookie)
  'GET /dang-nhap/ma-xac-thuc': { allow: [] },
  // development sandboxes: not registered when NODE_ENV=production
  'GET /dev/cong-thanh-toan': { allow: all },
  'GET /dev/hop-thu': { allow: all },
  'GET /dev/ngan-hang': { allow: all },
  'GET /du-lieu-mo': { allow: all },
  'GET /du-lieu-mo/chi-so.csv': { allow: all },
  'GET /du-lieu-mo/chi-so.json': { allow: all },
  'GET /du-lieu-mo/thu-tuc.csv': { allow: all },
  'GET /du-lieu-mo/thu-tuc.json': { allow: all },
  'GET /health/live': { allow: all },
  'GET /health/ready': { allow: all },
  'GET /ho-so': { allow: citizens },
  'GET /ho-so-nhap/:draftId': { allow: owner },
  'GET /ho-so-nhap/:draftId/:section': { allow: owner },
  'GET /ho-so-nhap/:draftId/kho-du-lieu/:fieldId': { allow: owner },
  'GET /ho-so/:code': { allow: owner },
  'GET /ho-so/:code/bien-lai.pdf': { allow: owner, params: { code: ':feeCode' } },
  // the fixture dossier is in progress: the owner sees "not yet" (the satisfaction tests rate returned dossiers)
  'GET /ho-so/:code/danh-gia': { allow: owner },
  'GET /ho-so/:code/giay-tiep-nhan.pdf': { allow: owner },
  'GET /ho-so/:code/ket-qua': { allow: owner },
  'GET /ho-so/:code/ket-qua/:resultId': { allow: owner },
  // form 06 (the fixture) is for officers only; applicants get 02–05 (workflow/slips tests)
  'GET /ho-so/:code/phieu/:form': { allow: [] },
  'GET /ho-so/:code/phan-anh': { allow: owner },
  'GET /ho-so/:code/rut': { allow: owner },
  'GET /ho-so/:code/tai-lieu/:documentId': { allow: owner },
  'GET /ho-so/:code/thanh-toan': { allow: owner },
  'GET /ho-so/:code/thanh-toan/:reference': { allow: owner, params: { code: ':feeCode', reference: ':paymentReference' } },
  'GET /kho-du-lieu': { allow: citizens },
  'GET /kho-du-lieu/:id/tai-xuong': { allow: owner, params: { id: ':vaultDocumentId' } },
  'GET /lang/:locale': { allow: all },
  'GET /linh-vuc': { allow: all },
  'GET /linh-vuc/:slug': { allow: all },
  'GET /quen-mat-khau': { allow: all },
  'GET /quen-mat-khau/dat-lai': { allow: all },
  // no life event with the fixture slug
  'GET /su-kien/:slug': { allow: [] },
  'GET /tai-khoan': { allow: signedIn },
  'GET /tai-khoan/du-lieu-ca-nhan': { allow: citizens },
  'GET /tai-khoan/du-lieu-ca-nhan/da-xoa': { allow: all },
  'GET /tai-khoan/du-lieu-ca-nhan/tai-ve': { allow: citizens },
  // officers' security keys (citizens have no second factor: not found)
  'GET /tai-khoan/khoa-bao-mat': { allow: officers },
  // no fixture key: nobody removes a key that is not theirs
  'GET /tai-khoan/khoa-bao-mat/:id/xoa': { allow: [] },
  'GET /tai-khoan/phien-dang-nhap': { allow: signedIn },
  'GET /tai-khoan/thong-bao': { allow: citizens },
  'GET /tai-khoan/to-chuc': { allow: signedIn },
  // the gateway's return through the payer's browser: refused without a valid signature
  'GET /thanh-toan/ket-qua': { allow: [] },
  'GET /thu-tuc': { allow: all },
  'GET /thu-tuc/:code': { allow: all },
  'GET /thu-tuc/:code/nop-truc-tuyen': { allow: citizens },
  'GET /tra-cuu': { allow: all },
  'GET /tra-cuu/:code': { allow: all, query: 's=:secret' },
  'GET /xac-minh-ket-qua': { allow: all },
  // the signed result's public verification page (its QR)
  'GET /xac-minh/:code': { allow: all, params: { code: ':resultCode' } },
  'GET /xac-thuc': { allow: all },
  // as above: answered 200 with the gateway's error code when the signature is wrong
  'POST /api/thanh-toan/ipn': { allow: all },
  // bank credit notifications: HMAC only
  'POST /api/thanh-toan/ngan-hang/bao-co': { allow: [] },
  // inbound SMS: HMAC only
  'POST /api/v1/tin-nhan-den/sms': { allow: [] },
  // inbound Zalo: HMAC only
  'POST /api/v1/tin-nhan-den/zalo': { allow: [] },
  'POST /can-bo/ho-so/:code/bo-sung': { allow: ['deskX'] },
  'POST /can-bo/ho-so/:code/le-phi/hoan-tien/:refundId': { allow: ['deskX'] },
  'POST /can-bo/ho-so/:code/tiep-nhan': { allow: ['deskX'] },
  'POST /can-bo/ho-so/:code/tu-choi': { allow: ['deskX'] },
  'POST /can-bo/phan-anh/:complaintId': { allow: ['deskX', 'leaderX'] },
  'POST /can-bo/quy-trinh/:procedureCode': { allow: ['adminX', 'systemAdmin'] },
  'POST /can-bo/quy-trinh/:procedureCode/khoi-phuc': { allow: [] },
  'POST /can-bo/so-hoa': { allow: ['deskX', 'leaderX', 'deskY'] },
  'POST /can-bo/tiep-nhan/moi': { allow: ['deskX'], body: { procedureCode: '1.010041', channel: 'in_person' } },
  'POST /can-bo/tiep-nhan/moi/:draftId/:section': { allow: ['deskX'], params: { draftId: ':deskDraftId', section: ':deskSection' } },
  'POST /can-bo/tiep-nhan/moi/:draftId/nop': { allow: ['deskX'], params: { draftId: ':deskDraftId' } },
  'POST /can-bo/viec-can-lam/phan-cong': { allow: ['leaderX', 'adminX'] },
  'POST /can-bo/viec/:id/:action': { allow: ['handlerX'], params: { action: 'chuyen-tiep' }, body: { rowVersion: ':taskRowVersion', note: 'Chuyển bước (kiểm tra quyền)' } },
  'POST /danh-gia/:token': { allow: [] },
  'POST /dang-ky': { allow: all },
  'POST /dang-nhap': { allow: all },
  // likewise
  'POST /dang-nhap/dang-ky-ma-xac-thuc': { allow: [] },
  // a security key as the second step: only after a right password (signed pending cookie)
  'POST /dang-nhap/khoa-bao-mat': { allow: [] },
  // likewise
  'POST /dang-nhap/ma-xac-thuc': { allow: [] },
  'POST /dang-xuat': { allow: all, endsSession: true },
  'POST /dev/cong-thanh-toan': { allow: all },
  'POST /dev/ngan-hang': { allow: all },
  'POST /ho-so-nhap/:draftId/:section': { allow: owner },
  'POST /ho-so-nhap/:draftId/kho-du-lieu/:fieldId': { allow: owner },
  'POST /ho-so-nhap/:draftId/nop': { allow: owner },
  'POST /ho-so/:code/bo-sung': { allow: owner },
  'POST /ho-so/:code/danh-gia': { allow: owner },
  'POST /ho-so/:code/phan-anh': { allow: owner },
  'POST /ho-so/:code/rut': { allow: owner },
  'POST /ho-so/:code/thanh-toan': { allow: owner },
  'POST /quen-mat-khau': { allow: all },
  'POST /quen-mat-khau/dat-lai': { allow: all },
  'POST /tai-khoan': { allow: citizens },
  'POST /tai-khoan/du-lieu-ca-nhan/xoa': { allow: citizens },
  'POST /tai-khoan/khoa-bao-mat': { allow: officers },
  'POST /tai-khoan/khoa-bao-mat/:id/xoa': { allow: [] },
  'POST /tai-khoan/ma-khoi-phuc': { allow: officers },
  // nobody ends a session that is not theirs
  'POST /tai-khoan/phien-dang-nhap/:id/ket-thuc': { allow: [] },
  'POST /tai-khoan/phien-dang-nhap/ket-thuc-tat-ca': { allow: signedIn, endsSession: true },
  'POST /tai-khoan/thong-bao': { allow: citizens },
  'POST /tai-khoan/to-chuc': { allow: citizens },
  'POST /tra-cuu': { allow: all },
  // anyone may check a copy against the signed result (an upload; none here: validation)
  'POST /xac-minh/:code': { allow: all, params: { code: ':resultCode' } },
  'POST /xac-thuc': { allow: all },
  'POST /xac-thuc/gui-lai': { allow: all },
};
