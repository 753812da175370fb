/**
 * Exit codes are a contract with orchestrators: 0 all good, 1 a model or test failed, 2 usage or
 * project error, 130 stopped by SIGINT (Ctrl-C), 143 stopped by SIGTERM (what Airflow and
 * Kubernetes send); nothing else.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;
