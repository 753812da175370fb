import { describe, expect, it } from 'vitest';
import { authMethodOf, driverSettings, redactSecrets, type SnowflakeTargetConfig } from '../src/snowflake-config.ts';

const base = { type: 'snowflake', name: 'prod', schema: 'public', threads: 4, account: 'xy12345.eu-west-1', user: 'loader' };
const target = (extra: Record<string, unknown>) => ({ ...base, ...extra }) as SnowflakeTargetConfig;

describe('Snowflake target configuration', () => {
  it.each([
    [{ password: 'p' }, 'password'],
    [{ private_key_path: '/k.p8' }, 'key pair'],
    [{ authenticator: 'SNOWFLAKE_JWT', private_key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----' }, 'key pair'],
    [{ token: 't' }, 'oauth'],
    [{ authenticator: 'externalbrowser' }, 'externalbrowser'],
  ] as const)('infers the auth method from %j', (extra, method) => {
    expect(authMethodOf(target(extra))).toBe(method);
  });

  it('names the target and the missing field, and what to do', () => {
    expect(() => driverSettings(target({}))).toThrow('Target "prod" needs `password` for password authentication (set it with env_var(), or use private_key_path).');
    expect(() => driverSettings({ ...base, account: '' } as never)).toThrow(/Target "prod" needs `account`/);
    expect(() => driverSettings(target({ authenticator: 'okta' }))).toThrow(/authenticator "okta" is not supported/);
  });

  it('rejects an inline key that is not PKCS#8 PEM without echoing it', () => {
    const e = (() => {
      try {
        driverSettings(target({ private_key: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-secret-bytes' }));
      } catch (x) {
        return x as Error;
      }
      throw new Error('accepted');
    })();
    expect(e.message).toContain('private_key is not a PKCS#8 PEM key');
    expect(e.message).not.toContain('secret-bytes');
  });

  it('maps profile fields to driver options, keeping the login short on retries', () => {
    const s = driverSettings(target({ password: 'pw', role: 'transformer', warehouse: 'wh', database: 'analytics', query_tag: 'sm', connect_retries: 3, access_url: 'http://127.0.0.1:1' }));
    expect(s.options).toMatchObject({ account: 'xy12345.eu-west-1', username: 'loader', password: 'pw', role: 'transformer', warehouse: 'wh', database: 'analytics', schema: 'public', queryTag: 'sm', sfRetryMaxLoginRetries: 3, accessUrl: 'http://127.0.0.1:1', clientSessionKeepAlive: true });
    expect(s.method).toBe('password');
  });

  it('redacts secrets and any private key block from text', () => {
    const text = 'failed with hunter2-pass and -----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n-----END ENCRYPTED PRIVATE KEY----- end';
    expect(redactSecrets(text, ['hunter2-pass'])).toBe('failed with *** and [private key redacted] end');
  });
});
