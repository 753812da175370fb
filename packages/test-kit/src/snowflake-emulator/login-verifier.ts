import { createHash, createPublicKey, verify } from 'node:crypto';

/** A user the emulator accepts, with the credentials it checks. */
export interface EmulatorUser {
  readonly name: string;
  readonly password?: string;
  /** PEM public key registered for key-pair (JWT) login, as `alter user set rsa_public_key`. */
  readonly publicKey?: string;
  /** An OAuth access token the user may present. */
  readonly oauthToken?: string;
  /** The warehouse a session gets when the login names none (Snowflake's DEFAULT_WAREHOUSE). */
  readonly defaultWarehouse?: string;
}

export interface LoginFailure {
  readonly code: string;
  readonly message: string;
}

/**
 * Checks a login-request's credentials the way Snowflake does for the methods the adapter
 * supports. Returns undefined on success.
 */
export function verifyLogin(data: Record<string, unknown>, account: string, users: ReadonlyMap<string, EmulatorUser>): LoginFailure | undefined {
  const incorrect = { code: '390100', message: 'Incorrect username or password was specified.' };
  if (String(data.ACCOUNT_NAME ?? '').toUpperCase() !== account) return { code: '390201', message: `The requested account "${String(data.ACCOUNT_NAME)}" does not exist.` };
  const user = users.get(String(data.LOGIN_NAME ?? '').toUpperCase());
  const method = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  if (method === 'SNOWFLAKE_JWT') {
    if (!user?.publicKey) return { code: '390144', message: 'JWT token is invalid.' };
    return verifyJwt(String(data.TOKEN ?? ''), account, user) ? undefined : { code: '390144', message: 'JWT token is invalid.' };
  }
  if (method === 'OAUTH') {
    return user?.oauthToken && data.TOKEN === user.oauthToken ? undefined : { code: '390303', message: 'Invalid OAuth access token.' };
  }
  if (method === 'SNOWFLAKE' || method === 'USERNAME_PASSWORD_MFA') {
    return user?.password !== undefined && data.PASSWORD === user.password ? undefined : incorrect;
  }
  return { code: '390190', message: `There was an error related to the SAML Identity Provider account parameter; authenticator ${method} is not supported by the emulator.` };
}

/** RS256 signature, subject and issuer fingerprint against the registered public key; expiry in seconds or milliseconds. */
function verifyJwt(jwt: string, account: string, user: EmulatorUser): boolean {
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  const [h, p, sig] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: { iss?: string; sub?: string; exp?: number };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  if (header.alg !== 'RS256') return false;
  const key = createPublicKey(user.publicKey!);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url'))) return false;
  const subject = `${account}.${user.name.toUpperCase()}`;
  const fingerprint = 'SHA256:' + createHash('sha256').update(key.export({ format: 'der', type: 'spki' })).digest('base64');
  if (payload.sub !== subject || payload.iss !== `${subject}.${fingerprint}`) return false;
  const exp = Number(payload.exp);
  const expMs = exp > 1e12 ? exp : exp * 1000;
  return expMs > Date.now();
}
