/** The `snowflake-sdk` module, loaded on first connect. */
export type SnowflakeSdk = typeof import('snowflake-sdk');

let loading: Promise<SnowflakeSdk> | undefined;

/**
 * Imports the driver lazily. It probes cloud metadata endpoints when it loads unless told not
 * to, so the switches are set first for users who did not set them; and its own logging is
 * turned off because it may echo connection options.
 */
export function loadSnowflakeSdk(): Promise<SnowflakeSdk> {
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
  process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';
  loading ??= import('snowflake-sdk').then((m) => {
    const sdk = ((m as { default?: SnowflakeSdk }).default ?? m) as SnowflakeSdk;
    sdk.configure({ logLevel: 'OFF' });
    return sdk;
  });
  return loading;
}
