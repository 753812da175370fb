import { relative, sep } from 'node:path';
import { watch } from 'chokidar';

/** Folders whose changes never change the project (outputs, data, tooling). */
export const IGNORED = /(^|[/\\])(target|logs|lake|node_modules|dbt_packages|\.git|\.sm)([/\\]|$)|(^|[/\\])\.[^/\\]/;

/**
 * Call `onChange` with the project-relative files saved since the last call, debounced (an
 * editor's save-all is one call) and never overlapping, until `signal` aborts.
 */
export async function watchFiles(dir: string, signal: AbortSignal, onChange: (changed: string[]) => Promise<void>, onIdle?: () => void, debounceMs = 300): Promise<void> {
  if (signal.aborted) return;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const flush = () => {
    timer = undefined;
    if (running || signal.aborted) return;
    const changed = [...pending].sort();
    pending.clear();
    running = onChange(changed).finally(() => {
      running = undefined;
      if (!signal.aborted) onIdle?.();
      if (pending.size) schedule();
    });
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  const watcher = watch(dir, {
    ignoreInitial: true,
    ignored: (path: string) => IGNORED.test(relative(dir, path)),
    awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
  });
  const onFs = (path: string) => {
    pending.add(relative(dir, path).split(sep).join('/'));
    schedule();
  };
  watcher.on('add', onFs).on('change', onFs).on('unlink', onFs);
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => resolve());
    watcher.once('error', reject);
  });
  onIdle?.();
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (timer) clearTimeout(timer);
  await watcher.close();
  await running;
}
