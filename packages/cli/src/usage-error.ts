import { SmProjectError } from '@smsql/core';

/** A usage or project error: reported as a diagnostic, exit 2. */
export function usage(message: string, hint?: string): Error {
  return new SmProjectError([{ code: 'SM_USAGE', severity: 'error', message, hint }]);
}
