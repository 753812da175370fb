/**
 * An AbortSignal that fires on the first SIGTERM or SIGINT, for long-running ingestion: the
 * batch being written finishes and commits, then `ingestKafka` returns. A second signal exits at
 * once (status 130 after SIGINT, 143 after SIGTERM), because someone pressing Ctrl-C twice means it.
 */
export function shutdownSignal(): AbortSignal {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(sig === 'SIGTERM' ? 143 : 130);
    ac.abort(new Error(`received ${sig}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return ac.signal;
}
