import type { Output } from './reporters/reporter.ts';

/** Environment variables whose values are secrets by their name (paths to key files are not). */
const SECRET_ENV = /PASS(WORD|PHRASE)?|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIALS/i;
const NOT_SECRET_ENV = /_(PATH|FILE|DIR)$/i;

/** Values of secret-named environment variables, the ones profiles.yml reads with env_var(). */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) if (v && v.length >= 4 && SECRET_ENV.test(k) && !NOT_SECRET_ENV.test(k)) out.push(v);
  return out;
}

/**
 * An Output that replaces secrets with asterisks in everything written through it: the
 * target's secrets that commands register (`secrets`) and the values of secret-named
 * environment variables. The CLI writes every line, errors and traces included, through one.
 */
export function redactingOutput(output: Output, secrets: ReadonlySet<string>): Output {
  const env = environmentSecrets();
  const scrub = (s: string): string => {
    let out = s;
    for (const secret of [...secrets, ...env]) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('****');
    return out;
  };
  return { out: (s) => output.out(scrub(s)), err: (s) => output.err(scrub(s)) };
}
