/** Exit codes are a contract with orchestrators: 0 all good, 1 a model or test failed, 2 usage or project error, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
