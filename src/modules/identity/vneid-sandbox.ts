import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { validatePersonalId, type Sex } from './personal-id.js';

/**
 * "VNeID sandbox": a real OpenID provider (the `oidc-provider` package, certified OpenID Connect implementation)
 * on its own port of 127.0.0.1, standing in for the national electronic identity in the demo and the tests. It
 * knows a few fictitious demo citizens, signs them in with a demo password, grants the portal its scopes without a
 * consent screen (the portal is the only, first-party client), and supports authorization code + PKCE, userinfo
 * and RP-initiated logout. Development and tests only: `npm start` runs it when VNEID_ISSUER is empty.
 */
export interface DemoCitizen {
  personalId: string;
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
  phone: string | null;
  email: string | null;
  /** VNeID identification level (Decree 69/2024/NĐ-CP): 2 for an account verified in person. */
  level: 1 | 2;
}

/** The password every sandbox citizen signs in with (demo only). */
export const sandboxCitizenPassword = 'VNeID@2026';

/** Fictitious people; identity numbers follow the legal layout (province of birth registration, century/sex, year). */
export const sandboxCitizens: readonly DemoCitizen[] = [
  // The demo portal account's own person (citizen@demo.motcua.vn): linking her VNeID confirms her profile.
  { personalId: '037196001234', fullName: 'Nguyễn Thị Hương', birthDate: '1996-05-14', sex: 'female', phone: '0912000001', email: null, level: 2 },
  { personalId: '001085012345', fullName: 'Trần Văn An', birthDate: '1985-04-12', sex: 'male', phone: '0987000002', email: 'an.tran@example.vn', level: 2 },
  { personalId: '079192004567', fullName: 'Lê Thị Bình', birthDate: '1992-09-03', sex: 'female', phone: null, email: null, level: 1 },
  { personalId: '031204000789', fullName: 'Phạm Minh Châu', birthDate: '2004-01-20', sex: 'male', phone: null, email: 'chau.pham@example.vn', level: 2 },
];

for (const c of sandboxCitizens) {
  const problems = validatePersonalId(c.personalId, { birthDate: c.birthDate, sex: c.sex });
  if (problems.length > 0) throw new Error(`sandbox citizen ${c.personalId}: ${problems.join(', ')}`);
}

/** The claim carrying the 12-digit personal identity number, and the one carrying the identification level. */
export const personalIdClaim = 'personal_id';
export const identityLevelClaim = 'identity_level';

/** Stable subject per person, as a real provider would give (not the identity number itself). */
function subjectOf(citizen: DemoCitizen): string {
  return `vneid-${citizen.personalId.slice(-6)}-${citizen.personalId.slice(0, 3)}`;
}

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:3001 */
  issuer: string;
  close(): Promise<void>;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – VNeID (môi trường thử nghiệm)</title>
<style>
body{font-family:system-ui,Arial,sans-serif;margin:0;background:#f3f2f1;color:#0b0c0c;font-size:19px;line-height:1.4}
header{background:#a50e0e;color:#fff;padding:12px 20px}header p{margin:0;font-weight:700}
main{max-width:560px;margin:24px auto;background:#fff;padding:24px}
label{display:block;font-weight:700;margin:16px 0 4px}input,select{font-size:19px;padding:6px;border:2px solid #0b0c0c;width:100%;box-sizing:border-box}
button{margin-top:20px;font-size:19px;padding:8px 16px;background:#00703c;color:#fff;border:0;box-shadow:0 2px 0 #002d18;cursor:pointer}
button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
.hint{color:#505a5f;font-size:16px}.error{color:#d4351c;font-weight:700}
:focus{outline:3px solid #fd0;outline-offset:0}
table{border-collapse:collapse;font-size:16px}td,th{border-bottom:1px solid #b1b4b6;padding:4px 8px;text-align:left}
</style>
</head>
<body>
<header><p>VNeID – Môi trường thử nghiệm (không phải hệ thống thật)</p></header>
<main>
${body}
</main>
</body>
</html>`;
}

function loginPage(uid: string, clientName: string, error: string | null, personalId: string): string {
  const rows = sandboxCitizens
    .map((c) => `<tr><td>${c.personalId}</td><td>${escapeHtml(c.fullName)}</td><td>${c.birthDate}</td><td>${c.level}</td></tr>`)
    .join('');
  return page(
    'Đăng nhập',
    `<h1>Đăng nhập tài khoản định danh điện tử</h1>
<p>${escapeHtml(clientName)} đề nghị xác thực danh tính của bạn.</p>
${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="personalId">Số định danh cá nhân</label>
<span class="hint" id="personalId-hint">12 chữ số</span>
<input id="personalId" name="personalId" inputmode="numeric" autocomplete="username" aria-describedby="personalId-hint" value="${escapeHtml(personalId)}">
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Đăng nhập</button>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button class="secondary" type="submit">Huỷ</button></form>
<h2>Công dân thử nghiệm</h2>
<p class="hint">Mật khẩu của mọi công dân thử nghiệm: ${sandboxCitizenPassword}</p>
<table><caption class="hint">Danh sách công dân thử nghiệm</caption><thead><tr><th scope="col">Số định danh</th><th scope="col">Họ và tên</th><th scope="col">Ngày sinh</th><th scope="col">Mức</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 10_000) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

/**
 * Starts the sandbox on `host:port` (port 0: any free port); its issuer is http://publicHost:port.
 */
export interface SandboxOptions {
  host?: string;
  port?: number;
  clients: SandboxClient[];
  /** The host name browsers reach it by, when not `host` (e.g. listening on 0.0.0.0, reached as localhost). */
  publicHost?: string;
}

export async function startVneidSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${options.publicHost ?? host}:${port}`;

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const byAccountId = new Map(sandboxCitizens.map((c) => [subjectOf(c), c]));
  const scopes = ['openid', 'profile', 'phone', 'email', 'vneid'];

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      client_name: 'Cổng dịch vụ công (Motcua)',
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [{ ...signingKey, alg: 'RS256', use: 'sig', kid: 'sandbox-1' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    scopes,
    claims: {
      openid: ['sub'],
      profile: ['name', 'birthdate', 'gender'],
      phone: ['phone_number'],
      email: ['email'],
      vneid: [personalIdClaim, identityLevelClaim],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Đăng xuất',
            `<h1>Đăng xuất khỏi VNeID?</h1>${form}
<p>Cổng dịch vụ công đã kết thúc phiên của bạn. Bạn có muốn đăng xuất cả tài khoản định danh điện tử trên trình duyệt này?</p>
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Có, đăng xuất VNeID</button>
<button class="secondary" type="submit" form="op.logoutForm">Không, giữ đăng nhập VNeID</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Đã đăng xuất', '<h1>Bạn đã đăng xuất khỏi VNeID</h1>');
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The portal is the only client and first-party: grant what it asks for without a consent screen.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(scopes.join(' '));
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const citizen = byAccountId.get(sub);
      if (!citizen) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          name: citizen.fullName,
          birthdate: citizen.birthDate,
          gender: citizen.sex,
          ...(citizen.phone ? { phone_number: citizen.phone } : {}),
          ...(citizen.email ? { email: citizen.email } : {}),
          [personalIdClaim]: citizen.personalId,
          [identityLevelClaim]: citizen.level,
        }),
      };
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  });
  // Plain http on 127.0.0.1: tell the provider it is not behind a TLS proxy.
  provider.proxy = false;
  const handle = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/.exec(url.pathname);
    if (!match) {
      handle(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        const client = await provider.Client.find(String(details.params.client_id));
        const clientName = String(client?.clientName ?? details.params.client_id);
        if (req.method === 'GET' && !match[2]) {
          send(res, 200, loginPage(details.uid, clientName, null, ''));
          return;
        }
        if (req.method === 'POST' && match[2] === '/abort') {
          await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the citizen cancelled' }, { mergeWithLastSubmission: false });
          return;
        }
        if (req.method === 'POST' && match[2] === '/login') {
          const form = await readForm(req);
          const personalId = (form.get('personalId') ?? '').replace(/\s+/g, '');
          const citizen = sandboxCitizens.find((c) => c.personalId === personalId);
          if (!citizen || form.get('password') !== sandboxCitizenPassword) {
            send(res, 401, loginPage(details.uid, clientName, 'Số định danh hoặc mật khẩu không đúng.', personalId.slice(0, 12)));
            return;
          }
          await provider.interactionFinished(req, res, { login: { accountId: subjectOf(citizen), acr: `vneid:${citizen.level}` } }, { mergeWithLastSubmission: false });
          return;
        }
        send(res, 405, page('Không hỗ trợ', '<h1>Yêu cầu không hợp lệ</h1>'));
      } catch (error) {
        send(res, 400, page('Lỗi', `<h1>Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn</h1><p>${escapeHtml(String((error as Error).message))}</p>`));
      }
    })();
  });

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
