import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetConfig } from '@smsql/core';
import { SnowflakeEmulator, type EmulatorOptions } from './snowflake-emulator.ts';

export const password = 'pw-Secret-4711';
export const passphrase = 'pass-phrase-0815';

/** A key pair: the public half registered with the emulator, the private half as an encrypted PKCS#8 file and PEM. */
export function makeKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encryptedPem = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }) as string;
  const plainPem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const dir = mkdtempSync(join(tmpdir(), 'sm-sf-key-'));
  const path = join(dir, 'rsa_key.p8');
  writeFileSync(path, encryptedPem, { mode: 0o600 });
  return { publicPem: publicKey.export({ format: 'pem', type: 'spki' }) as string, encryptedPem, plainPem, path };
}

/** An emulator with user ALICE (password) and BOB (key pair), and a target that reaches it through the real driver. */
export async function startEmulator(options: EmulatorOptions = {}) {
  const key = makeKeyPair();
  const emulator = await SnowflakeEmulator.start({
    ...options,
    users: [{ name: 'alice', password, defaultWarehouse: 'WH_ALICE' }, { name: 'bob', publicKey: key.publicPem }, { name: 'carol', oauthToken: 'oauth-token-1234' }],
  });
  const target = (extra: Record<string, unknown> = {}): TargetConfig => ({
    type: 'snowflake',
    name: 'prod',
    account: 'emu',
    user: 'alice',
    password,
    database: 'ANALYTICS',
    schema: 'PUBLIC',
    warehouse: 'WH_DEFAULT',
    role: 'TRANSFORMER',
    threads: 2,
    access_url: emulator.url,
    connect_retries: 2,
    ...extra,
  });
  return { emulator, target, key };
}

/**
 * profiles.yml of project `demo` on the emulator: password and address from `SF_PASSWORD` and
 * `SF_URL` in the environment (`{ SF_PASSWORD: password, SF_URL: emulator.url }`).
 */
export function emulatorProfile(schema: string, threads: number): string {
  return [
    'demo:',
    '  target: prod',
    '  outputs:',
    '    prod:',
    '      type: snowflake',
    '      account: emu',
    '      user: alice',
    "      password: \"{{ env_var('SF_PASSWORD') }}\"",
    '      database: analytics',
    `      schema: ${schema}`,
    '      warehouse: wh_default',
    "      access_url: \"{{ env_var('SF_URL') }}\"",
    `      threads: ${threads}`,
    '',
  ].join('\n');
}
