// The few parts of `oidc-provider` (9.x, which ships no type declarations) that the VNeID sandbox uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  interface ProviderContext {
    body: unknown;
    host: string;
    oidc: {
      result?: { consent?: { grantId?: string } };
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      client?: { clientId: string; clientName?: string };
      provider: Provider;
    };
  }

  interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  interface InteractionDetails {
    uid: string;
    prompt: { name: string };
    params: Record<string, unknown>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & {
      loadExistingGrant?: (ctx: ProviderContext) => Promise<GrantInstance | undefined>;
      findAccount?: (ctx: ProviderContext, sub: string) => Promise<Account | undefined>;
      interactions?: { url: (ctx: ProviderContext, interaction: { uid: string }) => string };
      features?: Record<string, unknown> & {
        rpInitiatedLogout?: {
          enabled: boolean;
          logoutSource?: (ctx: ProviderContext, form: string) => Promise<void>;
          postLogoutSuccessSource?: (ctx: ProviderContext) => Promise<void>;
        };
      };
    });
    proxy: boolean;
    Grant: { new (init: { clientId: string; accountId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> };
    Client: { find(id: string): Promise<{ clientName?: string } | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  }
}
