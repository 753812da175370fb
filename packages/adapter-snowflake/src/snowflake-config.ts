import type { TargetConfig } from '@smsql/core';

/** How the adapter authenticates; named in errors instead of any secret. */
export type AuthMethod = 'password' | 'key pair' | 'oauth' | 'externalbrowser';

/**
 * A Snowflake target as written in profiles.yml (dbt-snowflake's field names). Secrets come
 * from `env_var()` and are resolved before the adapter sees them.
 */
export interface SnowflakeTargetConfig extends TargetConfig {
  readonly account: string;
  readonly user: string;
  readonly role?: string;
  readonly warehouse?: string;
  readonly password?: string;
  /** `snowflake` (password, the default), `snowflake_jwt` (key pair), `oauth` or `externalbrowser`. Inferred from the fields given when absent. */
  readonly authenticator?: string;
  /** PKCS#8 private key file for key-pair authentication. */
  readonly private_key_path?: string;
  /** Inline PKCS#8 PEM private key; literal `\n` sequences are accepted for keys kept in one-line variables. */
  readonly private_key?: string;
  readonly private_key_passphrase?: string;
  /** OAuth access token. */
  readonly token?: string;
  /** Query tag for every statement of the run; a node's `query_tag` overrides it. */
  readonly query_tag?: string;
  /** Login attempts after the first for errors worth retrying (network, 5xx, 429). Default 1. */
  readonly connect_retries?: number;
  /** Seconds a request may take before the driver gives up. Default 90. */
  readonly connect_timeout?: number;
  /** Send heartbeats so idle sessions stay alive during long runs. Default true. */
  readonly client_session_keep_alive?: boolean;
  /** Where the service is: a full URL overriding account-derived host (for private links and the test emulator). */
  readonly access_url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'https' | 'http';
}

/** What went wrong in a target, with the target and field named and what to do. */
export class SnowflakeConfigError extends Error {
  readonly code = 'SM_SNOWFLAKE_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'SnowflakeConfigError';
  }
}

/** Options passed to `snowflake.createConnection`, and the secrets they contain so they can be redacted. */
export interface DriverSettings {
  readonly options: Record<string, unknown>;
  readonly method: AuthMethod;
  readonly account: string;
  readonly secrets: readonly string[];
}

export function authMethodOf(t: SnowflakeTargetConfig): AuthMethod {
  const a = t.authenticator?.toLowerCase();
  if (a === 'snowflake_jwt' || (!a && (t.private_key_path || t.private_key))) return 'key pair';
  if (a === 'oauth' || (!a && t.token)) return 'oauth';
  if (a === 'externalbrowser') return 'externalbrowser';
  if (a === undefined || a === 'snowflake') return 'password';
  throw new SnowflakeConfigError(`Target "${t.name}": authenticator "${t.authenticator}" is not supported. Use snowflake (password), snowflake_jwt (key pair), oauth or externalbrowser.`);
}

/** Validates a target and turns it into driver options. Never includes a secret in an error. */
export function driverSettings(target: TargetConfig): DriverSettings {
  const t = target as SnowflakeTargetConfig;
  const need = (field: keyof SnowflakeTargetConfig, why: string) => {
    const v = t[field];
    if (typeof v !== 'string' || !v.trim()) throw new SnowflakeConfigError(`Target "${t.name}" needs \`${String(field)}\` ${why}.`);
    return v;
  };
  const account = need('account', '(the account identifier, e.g. xy12345.eu-west-1)');
  need('user', '(the login name)');
  const method = authMethodOf(t);
  const options: Record<string, unknown> = {
    account,
    username: t.user,
    database: t.database,
    schema: t.schema,
    warehouse: t.warehouse,
    role: t.role,
    application: 'sm',
    clientSessionKeepAlive: t.client_session_keep_alive ?? true,
    timeout: (t.connect_timeout ?? 90) * 1000,
    sfRetryMaxLoginRetries: t.connect_retries ?? 1,
  };
  if (t.query_tag) options.queryTag = t.query_tag;
  if (t.access_url) options.accessUrl = t.access_url;
  else if (t.host) {
    options.host = t.host;
    if (t.port) options.port = t.port;
    if (t.protocol) options.protocol = t.protocol;
  }
  const secrets: string[] = [];
  if (method === 'password') {
    options.password = need('password', 'for password authentication (set it with env_var(), or use private_key_path)');
    secrets.push(t.password!);
  } else if (method === 'key pair') {
    options.authenticator = 'SNOWFLAKE_JWT';
    if (t.private_key) {
      const pem = t.private_key.replaceAll('\\n', '\n').trim();
      if (!/^-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
        throw new SnowflakeConfigError(`Target "${t.name}": private_key is not a PKCS#8 PEM key (it should start with -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----).`);
      }
      options.privateKey = `${pem}\n`.trimEnd();
      secrets.push(t.private_key, pem);
    } else if (t.private_key_path) options.privateKeyPath = t.private_key_path;
    else throw new SnowflakeConfigError(`Target "${t.name}" uses key-pair authentication and needs \`private_key_path\` or \`private_key\`.`);
    if (t.private_key_passphrase) {
      options.privateKeyPass = t.private_key_passphrase;
      secrets.push(t.private_key_passphrase);
    }
  } else if (method === 'oauth') {
    options.authenticator = 'OAUTH';
    options.token = need('token', 'for OAuth authentication');
    secrets.push(t.token!);
  } else {
    options.authenticator = 'EXTERNALBROWSER';
  }
  return { options, method, account, secrets: secrets.filter((s) => s.length >= 4) };
}

/** Replaces every secret, and every PEM block, in a text that may reach a user or a log. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[private key redacted]');
  for (const s of secrets) out = out.replaceAll(s, '***');
  return out;
}
